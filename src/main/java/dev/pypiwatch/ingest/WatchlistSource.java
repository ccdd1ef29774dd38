package dev.pypiwatch.ingest;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.config.ConfigLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The watchlist as the config files say now: notices when the config file or the watchlist file
 * it names changed, and reloads. Blocking file I/O: call it from a worker.
 */
public final class WatchlistSource {
  private final Path configFile;
  private final Map<String, String> env;
  private Map<Path, FileTime> stamps = Map.of();

  /** A source for {@code configFile} (null: the watchlist never changes). */
  public WatchlistSource(Path configFile, Map<String, String> env) {
    this.configFile = configFile;
    this.env = Map.copyOf(env);
  }

  /** Remembers the files of {@code config} as they are now, so only later edits count. */
  public void baseline(AppConfig config) {
    stamps = stamps(files(config));
  }

  /**
   * The new package list if a file changed since the last call and it loads; empty if nothing
   * changed. A file that no longer loads keeps the old list and throws, with every error.
   */
  public Optional<List<String>> reloadIfChanged() throws ConfigException {
    if (configFile == null || stamps(stamps.keySet()).equals(stamps)) {
      return Optional.empty();
    }
    Map<Path, FileTime> before = stamps;
    try {
      AppConfig config = ConfigLoader.load(configFile, env);
      stamps = stamps(files(config));
      return Optional.of(config.watchlist().names());
    } catch (ConfigException e) {
      stamps = stamps(before.keySet()); // report a broken edit once, not every interval
      throw e;
    }
  }

  private Set<Path> files(AppConfig config) {
    Set<Path> files = new LinkedHashSet<>();
    if (configFile != null) {
      files.add(configFile);
    }
    config.watchlist().packages().stream().map(p -> p.location()).filter(Objects::nonNull)
        .map(ConfigLocation::file).filter(Objects::nonNull).forEach(files::add);
    return files;
  }

  private static Map<Path, FileTime> stamps(Set<Path> files) {
    Map<Path, FileTime> out = new LinkedHashMap<>();
    for (Path f : files) {
      try {
        out.put(f, Files.getLastModifiedTime(f));
      } catch (IOException e) {
        out.put(f, FileTime.fromMillis(-1)); // a deleted file is a change too
      }
    }
    return out;
  }
}

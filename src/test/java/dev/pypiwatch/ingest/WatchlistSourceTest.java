package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchlistSourceTest {

  private static void touch(Path file, String text, long plusMillis) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + plusMillis));
  }

  @Test
  void reloadsOnlyWhenAFileChangedAndFollowsTheWatchlistFile(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("c.yaml");
    Path list = dir.resolve("packages.yaml");
    touch(list, "- numpy\n", 0);
    touch(config, "watchlist: [pip]\nwatchlist-file: packages.yaml\n", 0);
    WatchlistSource source = new WatchlistSource(config, Map.of());
    source.baseline(ConfigLoader.load(config, Map.of()));

    assertEquals(Optional.empty(), source.reloadIfChanged());

    touch(list, "- numpy\n- Requests\n", 10_000);
    assertEquals(Optional.of(List.of("pip", "numpy", "requests")), source.reloadIfChanged());
    assertEquals(Optional.empty(), source.reloadIfChanged());
  }

  @Test
  void aBrokenEditIsReportedOnceWithItsLocation(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("c.yaml");
    touch(config, "watchlist: [pip]\n", 0);
    WatchlistSource source = new WatchlistSource(config, Map.of());
    source.baseline(ConfigLoader.load(config, Map.of()));

    touch(config, "watchlist: [pip, 'not ok']\n", 10_000);
    ConfigException e = assertThrows(ConfigException.class, source::reloadIfChanged);
    assertTrue(e.getMessage().contains(":1:18: watchlist[1]"), e.getMessage());
    assertEquals(Optional.empty(), source.reloadIfChanged(), "not reported again until the next edit");

    touch(config, "watchlist: [pip, ok]\n", 20_000);
    assertEquals(Optional.of(List.of("pip", "ok")), source.reloadIfChanged());
  }
}

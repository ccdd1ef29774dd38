package dev.pypiwatch.cli;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.TextFormat;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** How every command reads its config file: what is wrong (a missing file, every error at once) goes to stderr. */
final class CommandConfig {
  private CommandConfig() {}

  /**
   * The config in {@code file} for {@code command}; with {@code notifications} false the {@code
   * notify} section is not read (commands that send nothing need none of its secrets).
   *
   * @return the config, or null after printing what is wrong to {@code err} (the command exits 2)
   */
  static AppConfig load(String command, Path file, boolean notifications, PrintStream err) {
    if (!Files.exists(file)) {
      err.println(command + ": config file not found: " + TextFormat.printable(file.toString()));
      return null;
    }
    try {
      return notifications ? ConfigLoader.load(file, System.getenv())
          : ConfigLoader.loadWithoutNotifications(file, System.getenv());
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      return null;
    }
  }
}

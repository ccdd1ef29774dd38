package dev.pypiwatch.config;

import dev.pypiwatch.events.TextFormat;
import java.nio.file.Path;

/**
 * One problem found in a config file, in the {@code file:line:column: key.path: message} form
 * that editors and CI logs turn into links.
 *
 * @param file the file that holds the problem (the watchlist file for errors inside it)
 * @param line 1-based line, 0 for problems with the file as a whole (missing, empty)
 * @param column 1-based column, 0 when {@code line} is 0
 * @param keyPath dotted path such as {@code api.min-interval} or {@code watchlist[2].name};
 *     empty when the problem is not under a key (syntax errors, empty file)
 * @param message what is wrong and what was expected; never contains a secret value
 *
 * <p>Key path and message echo what the file holds: their control characters are escaped here
 * ({@link TextFormat#printable}), so every error stays on one line whatever the file contains.
 */
public record ConfigError(Path file, int line, int column, String keyPath, String message) {

  public ConfigError {
    keyPath = keyPath == null ? "" : TextFormat.printable(keyPath);
    message = TextFormat.printable(message);
  }

  /** The location of this error. */
  public ConfigLocation location() {
    return new ConfigLocation(file, line, column);
  }

  @Override
  public String toString() {
    return location() + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + message;
  }
}

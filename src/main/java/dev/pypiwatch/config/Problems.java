package dev.pypiwatch.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;

/** Collects every error of one load, so the user sees all of them in one run. */
final class Problems {
  private final List<ConfigError> errors = new ArrayList<>();
  // Files in the order they were first named, so the main file's errors come first.
  private final List<Path> files = new ArrayList<>();

  /** Adds an error at {@code mark} (SnakeYAML marks are 0-based); {@code mark} null: whole file. */
  void add(Path file, Mark mark, String keyPath, String message) {
    int line = mark == null ? 0 : mark.getLine() + 1;
    int column = mark == null ? 0 : mark.getColumn() + 1;
    add(new ConfigLocation(file, line, column), keyPath, message);
  }

  /** Adds an error at an already 1-based location. */
  void add(ConfigLocation at, String keyPath, String message) {
    if (!files.contains(at.file())) {
      files.add(at.file());
    }
    errors.add(new ConfigError(at.file(), at.line(), at.column(), keyPath, message));
  }

  /** How many errors were recorded so far, so a binder can tell whether a part of it failed. */
  int count() {
    return errors.size();
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Throws the collected errors, if any, ordered by file, line and column. */
  void throwIfAny() throws ConfigException {
    if (!errors.isEmpty()) {
      List<ConfigError> sorted = new ArrayList<>(errors);
      sorted.sort(
          Comparator.comparingInt((ConfigError e) -> files.indexOf(e.file()))
              .thenComparingInt(ConfigError::line)
              .thenComparingInt(ConfigError::column));
      throw new ConfigException(sorted);
    }
  }
}

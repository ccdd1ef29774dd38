package dev.pypiwatch.config;

import dev.pypiwatch.events.TextFormat;
import java.nio.file.Path;

/**
 * Where something was written in a config file; line and column are 1-based.
 *
 * @param file the file as it was named when loading (not made absolute, so messages stay short)
 * @param line 1-based line, 0 when the location is the file as a whole
 * @param column 1-based column, 0 when the location is the file as a whole
 */
public record ConfigLocation(Path file, int line, int column) {

  @Override
  public String toString() {
    String name = file == null ? "<config>" : TextFormat.printable(file.toString());
    return line > 0 ? name + ":" + line + ":" + column : name;
  }
}

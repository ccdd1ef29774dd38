package dev.pypiwatch.api;

import dev.pypiwatch.events.TextFormat;

/**
 * A body that does not match the expected schema, thrown by {@link ResponseParser}; the message
 * names the JSON path and the bad value, e.g. {@code data[17].downloads: expected a non-negative
 * integer, got -3}. Both are escaped ({@link TextFormat#printable}): a field name or value of the
 * body cannot break the message's line.
 */
public class InvalidResponseException extends RuntimeException {
  private final String path;

  public InvalidResponseException(String path, String problem) {
    super(TextFormat.printable(path.isEmpty() ? problem : path + ": " + problem));
    this.path = TextFormat.printable(path);
  }

  /** The JSON path of the problem, e.g. {@code data[17].date}; empty for the whole body. */
  public String path() {
    return path;
  }
}

package dev.pypiwatch.api;

/**
 * A body that does not match the expected schema, thrown by {@link ResponseParser}; the message
 * names the JSON path and the bad value, e.g. {@code data[17].downloads: expected a non-negative
 * integer, got -3}.
 */
public class InvalidResponseException extends RuntimeException {
  private final String path;

  public InvalidResponseException(String path, String problem) {
    super(path.isEmpty() ? problem : path + ": " + problem);
    this.path = path;
  }

  /** The JSON path of the problem, e.g. {@code data[17].date}; empty for the whole body. */
  public String path() {
    return path;
  }
}

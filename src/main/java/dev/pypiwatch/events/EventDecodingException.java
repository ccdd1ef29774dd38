package dev.pypiwatch.events;

/**
 * A record value that is not a valid pypiwatch event; the message names the field and the problem,
 * escaped ({@link TextFormat#printable}): bytes of the record cannot break a log line.
 */
public final class EventDecodingException extends RuntimeException {
  private final String field;

  /** A problem with {@code field} (null when it concerns the whole document). */
  public EventDecodingException(String field, String problem, Throwable cause) {
    super(TextFormat.printable(field == null ? problem : "field '" + field + "': " + problem), cause);
    this.field = field;
  }

  /** The offending field, or null when the document as a whole is malformed. */
  public String field() {
    return field;
  }
}

package dev.pypiwatch.ingest;

/**
 * A row of an upstream body left out of the records, and why: the rest of the body is used.
 *
 * @param row the row's index in the body's {@code data} array
 * @param field the offending field, e.g. {@code category}
 * @param problem what was wrong, with the value escaped ({@code expected ..., got "..."})
 */
public record RejectedRow(int row, String field, String problem) {

  /** The JSON path of the offending value, e.g. {@code data[3].category}. */
  public String path() {
    return "data[" + row + "]." + field;
  }

  @Override
  public String toString() {
    return path() + ": " + problem;
  }
}

package dev.pypiwatch.api;

/**
 * One attempt that got no complete answer, or one that must not be retried; carries the kind,
 * the status (0 if none) and a short reason. Stackless: it is expected and only ever logged.
 */
final class AttemptFailure extends RuntimeException {
  private final PypiStatsException.Kind kind;
  private final int status;
  private final String reason;
  private final String excerpt;

  AttemptFailure(PypiStatsException.Kind kind, int status, String reason, String excerpt) {
    super(reason, null, false, false);
    this.kind = kind;
    this.status = status;
    this.reason = reason;
    this.excerpt = excerpt;
  }

  PypiStatsException.Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  /** What happened, e.g. {@code HTTP 503} or {@code no answer within 200 ms}. */
  String reason() {
    return reason;
  }

  /** A short excerpt of the error body, or null. */
  String excerpt() {
    return excerpt;
  }

  /** {@code reason: "excerpt"}, for logs. */
  String describe() {
    return excerpt == null || excerpt.isEmpty() ? reason : reason + ": \"" + excerpt + "\"";
  }
}

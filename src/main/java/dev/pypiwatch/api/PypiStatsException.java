package dev.pypiwatch.api;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.TextFormat;

/**
 * A request to the PyPI Stats API that failed for good: its message names the package, the
 * endpoint and what was wrong, e.g. {@code pypistats overall of 'numpy': HTTP 503 after 5
 * attempts: "503 TEMPORARILY DISABLED"}. Control characters of the name or the upstream's answer
 * are escaped ({@link TextFormat#printable}): one failure, one line.
 */
public class PypiStatsException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** The package name is not valid; nothing was sent. */
    INVALID_PACKAGE(false),
    /** HTTP 429 on every attempt. */
    RATE_LIMITED(true),
    /** HTTP 5xx or 408 on every attempt (what the retry policy retries besides 429). */
    SERVER_ERROR(true),
    /** No complete answer within the per-attempt time-out. */
    TIMEOUT(true),
    /** Connection refused, reset or closed before the end of the body. */
    CONNECTION(true),
    /** Another HTTP status (4xx other than 404 and 429); not retried. */
    HTTP_ERROR(false),
    /** A body that is not the expected JSON; not retried. */
    INVALID_RESPONSE(false),
    /** A body larger than the configured cap; not retried. */
    BODY_TOO_LARGE(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** True if a failure of this kind is worth another attempt. */
    public boolean retryable() {
      return retryable;
    }
  }

  private final String detail;
  private final String packageName;
  private final Endpoint endpoint;
  private final Kind kind;
  private final int status;
  private final int attempts;

  /**
   * @param detail what was wrong, without package and endpoint (they are prefixed)
   * @param status the HTTP status of the last answer, 0 if none
   * @param attempts the number of requests sent
   */
  public PypiStatsException(String packageName, Endpoint endpoint, Kind kind, int status,
      int attempts, String detail, Throwable cause) {
    super(TextFormat.printable("pypistats " + endpoint + " of '" + packageName + "': " + detail), cause);
    this.detail = TextFormat.printable(detail);
    this.packageName = packageName;
    this.endpoint = endpoint;
    this.kind = kind;
    this.status = status;
    this.attempts = attempts;
  }

  /** What was wrong, without package and endpoint: the same for every package when the upstream is down. */
  public String detail() {
    return detail;
  }

  /** The package name as the caller gave it. */
  public String packageName() {
    return packageName;
  }

  /** The endpoint requested. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the last answer, 0 if there was none. */
  public int status() {
    return status;
  }

  /** How many requests were sent (0 for {@link Kind#INVALID_PACKAGE}). */
  public int attempts() {
    return attempts;
  }

  /** True if a later call may succeed (the caller may poll again); false for permanent errors. */
  public boolean retryable() {
    return kind.retryable();
  }
}

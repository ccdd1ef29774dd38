package dev.pypiwatch.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed delivery attempt: whether another attempt may succeed (a 429, a 5xx, a connection
 * failure) or not (a 400, a 404, a rejected address), and how long the receiver asked to wait.
 * The message names the receiver and what happened, never a secret (webhook URL, password).
 */
public final class DeliveryException extends RuntimeException {
  private final boolean retryable;
  private final Duration retryAfter;

  /** @param retryAfter the receiver's requested wait (Slack's Retry-After), or null */
  public DeliveryException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** Whether another attempt may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** The wait the receiver asked for, if it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}

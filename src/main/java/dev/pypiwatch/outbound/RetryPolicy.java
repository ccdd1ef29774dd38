package dev.pypiwatch.outbound;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * pypiwatch's one retry policy: which HTTP answers are worth another attempt, how a server's
 * {@code Retry-After} is read, and how long to wait after a failed attempt (exponential back-off
 * from {@code initialBackoff}, doubling per attempt, capped at {@code maxBackoff}, with optional
 * jitter), up to {@code maxAttempts} attempts in all. The PyPI Stats client, the notifier's
 * channels, the poller's Kafka publisher and the stages' loops all use it.
 *
 * <p>Retryable HTTP answers: 408 (the server gave up waiting for the request: sending it again is
 * what it asks for), 429 (rate limited) and every 5xx; every other status is final. Time-outs and
 * connection failures are retryable too; the callers classify those themselves, having no status.
 *
 * @param maxAttempts attempts in all, the first included; at least 1
 * @param initialBackoff the wait after the first failed attempt
 * @param maxBackoff the longest wait
 * @param jitter how much of each wait is random
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Jitter jitter) {

  /** How a wait is spread so that clients that failed together do not retry together. */
  public enum Jitter {
    /** The wait as computed: one process, no herd to spread. */
    NONE,
    /** Half the wait fixed, the other half uniformly random. */
    EQUAL,
    /** The whole wait, plus up to a quarter more: for waits that must not be shortened (rate limits). */
    ADDED_QUARTER
  }

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(jitter, "jitter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("back-off must not be negative");
    }
  }

  /** Retries without end, waiting {@code wait} each time: a loop that must recover, not give up. */
  public static RetryPolicy forever(Duration wait) {
    return new RetryPolicy(Integer.MAX_VALUE, wait, wait, Jitter.NONE);
  }

  /** True if another attempt may follow attempt number {@code attempt} (1-based). */
  public boolean allowsAnotherAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** The wait after failed attempt number {@code attempt} (1-based), jitter from a thread-local random. */
  public Duration backoff(int attempt) {
    return backoff(attempt, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The wait after failed attempt number {@code attempt} (1-based): {@code initialBackoff} doubled
   * {@code attempt - 1} times, capped at {@code maxBackoff}, then spread by the jitter.
   *
   * @param random uniform in [0, 1); injectable so tests can pin the jitter
   */
  public Duration backoff(int attempt, DoubleSupplier random) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long value = initialBackoff.toMillis() << doublings;
    long base = Math.min(value < 0 ? Long.MAX_VALUE : value, maxBackoff.toMillis());
    return Duration.ofMillis(switch (jitter) {
      case NONE -> base;
      case EQUAL -> base / 2 + (long) (random.getAsDouble() * (base - base / 2));
      case ADDED_QUARTER -> base + (long) (random.getAsDouble() * (base / 4));
    });
  }

  /** True if an HTTP answer with {@code status} (not 2xx) is worth another attempt: 408, 429 and 5xx. */
  public static boolean isRetryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /**
   * A {@code Retry-After} value (delta seconds or HTTP date) as a wait from {@code now}; empty if
   * absent or unreadable, zero for a date in the past.
   */
  public static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /**
   * Sleeps {@code wait} on the calling thread (a blocking loop's pause between attempts).
   *
   * @return false if the thread was interrupted (its flag is set again): the caller should stop
   */
  public static boolean pause(Duration wait) {
    try {
      Thread.sleep(Math.max(0, wait.toMillis()));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

package dev.pypiwatch.api;

import dev.pypiwatch.config.ApiConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/** Back-off delays between attempts: exponential with jitter, and the 429 and Retry-After rules. */
public final class Backoff {
  private final ApiConfig config;
  private final DoubleSupplier random;

  /** @param random uniform in [0, 1); injectable so tests can pin the jitter */
  Backoff(ApiConfig config, DoubleSupplier random) {
    this.config = config;
    this.random = random;
  }

  /**
   * The delay after failed attempt number {@code attempt} (1-based): {@code initialBackoff}
   * doubled per attempt, capped at {@code maxBackoff}, with equal jitter (half fixed, half
   * random) so that clients that failed together do not retry together.
   */
  Duration afterFailure(int attempt) {
    long base = exponential(config.initialBackoff().toMillis(), attempt, config.maxBackoff());
    return Duration.ofMillis(base / 2 + (long) (random.getAsDouble() * (base - base / 2)));
  }

  /**
   * The delay after the {@code consecutive}-th 429 in a row without Retry-After. The jitter only
   * adds (up to a quarter): waiting less than {@code rateLimitBackoff} would not clear the
   * upstream's per-minute window.
   */
  Duration afterRateLimit(int consecutive) {
    Duration cap = config.maxBackoff().compareTo(config.rateLimitBackoff()) > 0
        ? config.maxBackoff() : config.rateLimitBackoff();
    long base = exponential(config.rateLimitBackoff().toMillis(), consecutive, cap);
    return Duration.ofMillis(base + (long) (random.getAsDouble() * (base / 4)));
  }

  private static long exponential(long initial, int n, Duration cap) {
    int doublings = Math.min(Math.max(n - 1, 0), 30);
    long value = initial << doublings;
    return Math.min(value < 0 ? Long.MAX_VALUE : value, cap.toMillis());
  }

  /** A {@code Retry-After} value (delta seconds or HTTP date) as a delay from {@code now}. */
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
}

package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ApiConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final ApiConfig CONFIG = new ApiConfig("http://x", "", Duration.ZERO, 1,
      Duration.ofSeconds(1), 5, Duration.ofMillis(100), Duration.ofMillis(1000),
      Duration.ofMillis(600), 1000);

  @Test
  void doublesUpToTheCapWithEqualJitter() {
    Backoff low = new Backoff(CONFIG, () -> 0.0);
    Backoff high = new Backoff(CONFIG, () -> 0.999999);
    assertEquals(50, low.afterFailure(1).toMillis());
    assertEquals(99, high.afterFailure(1).toMillis());
    assertEquals(200, low.afterFailure(3).toMillis());
    assertEquals(500, low.afterFailure(10).toMillis());
    assertEquals(999, high.afterFailure(64).toMillis());
  }

  @Test
  void rateLimitBackOffNeverGoesBelowTheConfiguredWait() {
    Backoff low = new Backoff(CONFIG, () -> 0.0);
    Backoff high = new Backoff(CONFIG, () -> 0.999999);
    assertEquals(600, low.afterRateLimit(1).toMillis());
    assertEquals(749, high.afterRateLimit(1).toMillis());
    assertEquals(1000, low.afterRateLimit(2).toMillis()); // doubled, capped at maxBackoff
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-04-07T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(7)), Backoff.retryAfter(" 7 ", now));
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        Backoff.retryAfter("Tue, 07 Apr 2026 10:00:30 GMT", now));
    assertEquals(Optional.of(Duration.ZERO),
        Backoff.retryAfter("Tue, 07 Apr 2026 09:00:00 GMT", now));
    assertTrue(Backoff.retryAfter("soon", now).isEmpty());
    assertTrue(Backoff.retryAfter("-5", now).isEmpty());
    assertTrue(Backoff.retryAfter(null, now).isEmpty());
  }
}

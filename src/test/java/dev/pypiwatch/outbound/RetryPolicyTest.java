package dev.pypiwatch.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.outbound.RetryPolicy.Jitter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one retry policy: back-off arithmetic per jitter, retryable statuses, Retry-After. */
class RetryPolicyTest {
  private static final ApiConfig API = new ApiConfig("http://x", "", Duration.ZERO, 1,
      Duration.ofSeconds(1), 5, Duration.ofMillis(100), Duration.ofMillis(1000),
      Duration.ofMillis(600), 1000);

  @Test
  void doublesUpToTheCapWithoutJitter() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(5), Jitter.NONE);
    assertEquals(Duration.ofSeconds(1), p.backoff(1));
    assertEquals(Duration.ofSeconds(8), p.backoff(4)); // 1 s doubled 3 times
    assertEquals(Duration.ofSeconds(256), p.backoff(9));
    assertEquals(Duration.ofMinutes(5), p.backoff(10)); // 512 s capped
    assertEquals(Duration.ofMinutes(5), p.backoff(1000)); // no overflow
  }

  @Test
  void equalJitterKeepsHalfAndRandomizesHalf() {
    RetryPolicy p = API.retryPolicy(); // 100 ms doubling up to 1 s
    assertEquals(50, p.backoff(1, () -> 0.0).toMillis());
    assertEquals(99, p.backoff(1, () -> 0.999999).toMillis());
    assertEquals(200, p.backoff(3, () -> 0.0).toMillis()); // 400 / 2
    assertEquals(500, p.backoff(10, () -> 0.0).toMillis());
    assertEquals(999, p.backoff(64, () -> 0.999999).toMillis());
  }

  @Test
  void rateLimitBackOffNeverGoesBelowTheConfiguredWait() {
    RetryPolicy p = API.rateLimitPolicy(); // 600 ms, capped at max(1 s, 600 ms), up to a quarter more
    assertEquals(600, p.backoff(1, () -> 0.0).toMillis());
    assertEquals(749, p.backoff(1, () -> 0.999999).toMillis());
    assertEquals(1000, p.backoff(2, () -> 0.0).toMillis()); // 1200 capped at 1000
  }

  @Test
  void attemptsAreCountedFromOne() {
    RetryPolicy p = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Jitter.NONE);
    assertTrue(p.allowsAnotherAfter(1));
    assertTrue(p.allowsAnotherAfter(2));
    assertFalse(p.allowsAnotherAfter(3));
    assertTrue(RetryPolicy.forever(Duration.ofSeconds(1)).allowsAnotherAfter(1_000_000));
    assertEquals(Duration.ofSeconds(1), RetryPolicy.forever(Duration.ofSeconds(1)).backoff(50));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Jitter.NONE));
  }

  @ParameterizedTest
  @CsvSource({"408, true", "429, true", "500, true", "502, true", "503, true", "599, true",
      "400, false", "401, false", "403, false", "404, false", "409, false", "410, false", "422, false"})
  void retryableStatusesAre408And429And5xx(int status, boolean retryable) {
    assertEquals(retryable, RetryPolicy.isRetryable(status));
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-04-07T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryPolicy.retryAfter(" 7 ", now));
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        RetryPolicy.retryAfter("Tue, 07 Apr 2026 10:00:30 GMT", now));
    assertEquals(Optional.of(Duration.ZERO),
        RetryPolicy.retryAfter("Tue, 07 Apr 2026 09:00:00 GMT", now));
    assertTrue(RetryPolicy.retryAfter("soon", now).isEmpty());
    assertTrue(RetryPolicy.retryAfter("-5", now).isEmpty());
    assertTrue(RetryPolicy.retryAfter(null, now).isEmpty());
  }

  @Test
  void userAgentNamesTheVersionAndTheContact() {
    assertEquals("pypiwatch/" + Version.get() + " (+https://github.com/pypiwatch/pypiwatch; ops@example.org)",
        UserAgent.of(" ops@example.org "));
    assertEquals("pypiwatch/" + Version.get() + " (+https://github.com/pypiwatch/pypiwatch)", UserAgent.of(null));
  }
}

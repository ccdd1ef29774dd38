package dev.pypiwatch.api;

import dev.pypiwatch.config.ApiConfig;
import java.time.Duration;

/** Small, fast client settings for tests. */
final class TestConfigs {
  private TestConfigs() {}

  /** No pacing, 2 s time-out (a cold JVM's first request is slow), 3 attempts, 10..40 ms back-off, 150 ms after a bare 429. */
  static ApiConfig fast(String baseUrl) {
    return new ApiConfig(baseUrl, "ops@example.org", Duration.ZERO, 4, Duration.ofSeconds(2), 3,
        Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(150), 1024 * 1024);
  }

  static ApiConfig withPacing(ApiConfig c, Duration minInterval, int maxConcurrency) {
    return new ApiConfig(c.baseUrl(), c.contact(), minInterval, maxConcurrency,
        c.requestTimeout(), c.maxAttempts(), c.initialBackoff(), c.maxBackoff(),
        c.rateLimitBackoff(), c.maxBodyBytes());
  }

  static ApiConfig withAttempts(ApiConfig c, int maxAttempts) {
    return new ApiConfig(c.baseUrl(), c.contact(), c.minInterval(), c.maxConcurrency(),
        c.requestTimeout(), maxAttempts, c.initialBackoff(), c.maxBackoff(),
        c.rateLimitBackoff(), c.maxBodyBytes());
  }

  static ApiConfig withTimeout(ApiConfig c, Duration requestTimeout) {
    return new ApiConfig(c.baseUrl(), c.contact(), c.minInterval(), c.maxConcurrency(),
        requestTimeout, c.maxAttempts(), c.initialBackoff(), c.maxBackoff(),
        c.rateLimitBackoff(), c.maxBodyBytes());
  }

  static ApiConfig withRateLimitBackoff(ApiConfig c, Duration rateLimitBackoff) {
    return new ApiConfig(c.baseUrl(), c.contact(), c.minInterval(), c.maxConcurrency(),
        c.requestTimeout(), c.maxAttempts(), c.initialBackoff(), c.maxBackoff(),
        rateLimitBackoff, c.maxBodyBytes());
  }

  static ApiConfig withMaxBody(ApiConfig c, long maxBodyBytes) {
    return new ApiConfig(c.baseUrl(), c.contact(), c.minInterval(), c.maxConcurrency(),
        c.requestTimeout(), c.maxAttempts(), c.initialBackoff(), c.maxBackoff(),
        c.rateLimitBackoff(), maxBodyBytes);
  }
}

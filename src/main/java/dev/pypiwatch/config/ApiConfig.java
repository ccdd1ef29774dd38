package dev.pypiwatch.config;

import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the PyPI Stats API client: where it sends, how politely, and how it retries.
 *
 * @param baseUrl base URL without a trailing slash, e.g. {@code https://pypistats.org/api}
 * @param contact contact (e-mail or URL) put into the {@code User-Agent}; empty for none
 * @param minInterval minimum time between the starts of two requests, shared by the whole process
 * @param maxConcurrency maximum number of requests in flight at once
 * @param requestTimeout time-out of one attempt, from sending to the end of the body
 * @param maxAttempts attempts per request, the first one included
 * @param initialBackoff first back-off after a retryable failure; doubles up to {@code maxBackoff}
 * @param maxBackoff upper bound of one back-off
 * @param rateLimitBackoff back-off after a 429 without {@code Retry-After}; doubles per 429
 * @param maxBodyBytes largest response body accepted
 * @param pypiJson the client of PyPI's JSON API (releases near an alert's day)
 */
public record ApiConfig(
    String baseUrl,
    String contact,
    Duration minInterval,
    int maxConcurrency,
    Duration requestTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration rateLimitBackoff,
    long maxBodyBytes,
    PypiJsonConfig pypiJson) {

  /** Defaults that suit the real server: 30 requests a minute, 60 s after a 429. */
  public static final ApiConfig DEFAULTS =
      new ApiConfig(
          "https://pypistats.org/api",
          "",
          Duration.ofSeconds(2),
          2,
          Duration.ofSeconds(30),
          5,
          Duration.ofSeconds(2),
          Duration.ofMinutes(5),
          Duration.ofSeconds(60),
          4L * 1024 * 1024,
          PypiJsonConfig.DEFAULTS);

  /** Settings with the JSON API client's defaults. */
  public ApiConfig(String baseUrl, String contact, Duration minInterval, int maxConcurrency,
      Duration requestTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
      Duration rateLimitBackoff, long maxBodyBytes) {
    this(baseUrl, contact, minInterval, maxConcurrency, requestTimeout, maxAttempts, initialBackoff,
        maxBackoff, rateLimitBackoff, maxBodyBytes, PypiJsonConfig.DEFAULTS);
  }

  public ApiConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(minInterval, "minInterval");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(rateLimitBackoff, "rateLimitBackoff");
    Objects.requireNonNull(pypiJson, "pypiJson");
    if (maxConcurrency < 1 || maxAttempts < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxConcurrency, maxAttempts and maxBodyBytes must be >= 1");
    }
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
  }

  /** A copy with another base URL (tests, the {@code --base-url} option). */
  public ApiConfig withBaseUrl(String url) {
    return new ApiConfig(url, contact, minInterval, maxConcurrency, requestTimeout, maxAttempts,
        initialBackoff, maxBackoff, rateLimitBackoff, maxBodyBytes, pypiJson);
  }

  /** A copy with other settings of the PyPI JSON API client. */
  public ApiConfig withPypiJson(PypiJsonConfig c) {
    return new ApiConfig(baseUrl, contact, minInterval, maxConcurrency, requestTimeout, maxAttempts,
        initialBackoff, maxBackoff, rateLimitBackoff, maxBodyBytes, c);
  }

  /** The back-off after a failed attempt (5xx, 408, time-out, connection): equal jitter. */
  public RetryPolicy retryPolicy() {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, RetryPolicy.Jitter.EQUAL);
  }

  /**
   * The back-off after the n-th 429 in a row without {@code Retry-After}: from {@code
   * rateLimitBackoff}, never shortened by jitter (a shorter wait would not clear the upstream's
   * per-minute window).
   */
  public RetryPolicy rateLimitPolicy() {
    Duration cap = maxBackoff.compareTo(rateLimitBackoff) > 0 ? maxBackoff : rateLimitBackoff;
    return new RetryPolicy(maxAttempts, rateLimitBackoff, cap, RetryPolicy.Jitter.ADDED_QUARTER);
  }
}

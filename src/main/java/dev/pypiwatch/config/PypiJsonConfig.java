package dev.pypiwatch.config;

import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the client of PyPI's JSON API ({@code <base>/<package>/json}), asked for a package's
 * releases only when one of its alerts is about to be sent. Its own pace and retries, apart from
 * the PyPI Stats API's: a slow or failing PyPI never holds up polling, and never an alert for more
 * than {@code requestTimeout} per attempt.
 *
 * @param enabled false to ask nothing (offline: the demo, tests without a stand-in)
 * @param baseUrl base URL without a trailing slash, e.g. {@code https://pypi.org/pypi}
 * @param minInterval minimum time between the starts of two requests
 * @param requestTimeout time-out of one attempt
 * @param maxAttempts attempts per lookup, the first one included
 * @param cacheTtl how long a package's answer (releases or none) is reused
 */
public record PypiJsonConfig(boolean enabled, String baseUrl, Duration minInterval, Duration requestTimeout,
    int maxAttempts, Duration cacheTtl) {

  /** Polite defaults for pypi.org: one request a second, 5 s per attempt, 2 attempts, 1 h cache. */
  public static final PypiJsonConfig DEFAULTS = new PypiJsonConfig(true, "https://pypi.org/pypi",
      Duration.ofSeconds(1), Duration.ofSeconds(5), 2, Duration.ofHours(1));

  public PypiJsonConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(minInterval, "minInterval");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
  }

  /** A copy that asks nothing. */
  public PypiJsonConfig disabled() {
    return new PypiJsonConfig(false, baseUrl, minInterval, requestTimeout, maxAttempts, cacheTtl);
  }

  /** The back-off after a failed attempt: short (an alert waits on it), with equal jitter. */
  public RetryPolicy retryPolicy() {
    return new RetryPolicy(maxAttempts, Duration.ofMillis(500), Duration.ofSeconds(2),
        RetryPolicy.Jitter.EQUAL);
  }
}

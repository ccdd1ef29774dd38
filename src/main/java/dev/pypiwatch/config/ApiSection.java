package dev.pypiwatch.config;

import java.time.Duration;

/** Binds the {@code api:} section into an {@link ApiConfig}; absent keys take the defaults. */
final class ApiSection {
  static final String KEY = "api";

  private ApiSection() {}

  static ApiConfig bind(MappingReader m) {
    ApiConfig d = ApiConfig.DEFAULTS;
    String baseUrl = m.get("base-url", ValueType.HTTP_URL, d.baseUrl());
    String contact = m.get("contact", ValueType.HEADER_TEXT, d.contact());
    // Zero is allowed: it turns pacing off, which only makes sense against a local test server.
    Duration minInterval = m.get("min-interval", ValueType.duration(true), d.minInterval());
    int maxConcurrency = m.get("max-concurrency", ValueType.POSITIVE_INT, d.maxConcurrency());
    Duration requestTimeout =
        m.get("request-timeout", ValueType.duration(false), d.requestTimeout());
    int maxAttempts = m.get("max-attempts", ValueType.POSITIVE_INT, d.maxAttempts());
    Duration initialBackoff =
        m.get("initial-backoff", ValueType.duration(false), d.initialBackoff());
    Duration maxBackoff = m.get("max-backoff", ValueType.duration(false), d.maxBackoff());
    Duration rateLimitBackoff =
        m.get("rate-limit-backoff", ValueType.duration(false), d.rateLimitBackoff());
    long maxBodyBytes = m.get("max-body-size", ValueType.SIZE, d.maxBodyBytes());
    PypiJsonConfig j = d.pypiJson();
    PypiJsonConfig pypiJson = new PypiJsonConfig(
        m.get("pypi-json-enabled", ValueType.BOOLEAN, j.enabled()),
        m.get("pypi-json-url", ValueType.HTTP_URL, j.baseUrl()),
        m.get("pypi-json-min-interval", ValueType.duration(true), j.minInterval()),
        m.get("pypi-json-timeout", ValueType.duration(false), j.requestTimeout()),
        m.get("pypi-json-max-attempts", ValueType.POSITIVE_INT, j.maxAttempts()),
        m.get("pypi-json-cache-ttl", ValueType.duration(true), j.cacheTtl()));

    if (maxBackoff.compareTo(initialBackoff) < 0) {
      // The back-off doubles from initial up to max; a smaller max would make the cap the start.
      m.error("max-backoff", "max-backoff (" + Durations.format(maxBackoff)
          + ") must not be less than initial-backoff (" + Durations.format(initialBackoff) + ")");
    }
    return new ApiConfig(baseUrl, contact, minInterval, maxConcurrency, requestTimeout,
        maxAttempts, initialBackoff, maxBackoff, rateLimitBackoff, maxBodyBytes, pypiJson);
  }
}

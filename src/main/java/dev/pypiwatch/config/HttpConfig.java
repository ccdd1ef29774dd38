package dev.pypiwatch.config;

import java.util.Objects;

/**
 * The status HTTP server ({@code /health}, {@code /ready}, {@code /metrics}) and the API under
 * {@code /api/v1}.
 *
 * @param enabled whether to start it
 * @param host interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port port (0 picks a free one)
 * @param apiToken the bearer token the API's mutating calls (silences) need; empty: they are refused
 */
public record HttpConfig(boolean enabled, String host, int port, Secret apiToken) {

  /** Enabled on 127.0.0.1:8080, without an API token. */
  public static final HttpConfig DEFAULTS = new HttpConfig(true, "127.0.0.1", 8080, Secret.of(""));

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(apiToken, "apiToken");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The same without an API token. */
  public HttpConfig(boolean enabled, String host, int port) {
    this(enabled, host, port, Secret.of(""));
  }
}

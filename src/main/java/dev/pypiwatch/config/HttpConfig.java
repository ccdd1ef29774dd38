package dev.pypiwatch.config;

import java.util.Objects;

/**
 * The status HTTP server ({@code /health}, {@code /ready}, {@code /metrics}).
 *
 * @param enabled whether to start it
 * @param host interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port port (0 picks a free one)
 */
public record HttpConfig(boolean enabled, String host, int port) {

  /** Enabled on 127.0.0.1:8080. */
  public static final HttpConfig DEFAULTS = new HttpConfig(true, "127.0.0.1", 8080);

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}

package dev.pypiwatch.testing;

import io.vertx.core.MultiMap;

/**
 * A request as {@link FakePypiStats} received it.
 *
 * @param path the raw (still URL-encoded) path below {@code /api}, e.g. {@code /packages/pip/system}
 * @param query the raw query string, or null
 * @param arrivalNanos {@link System#nanoTime()} at arrival, for measuring gaps
 */
public record RecordedRequest(String method, String path, String query, MultiMap headers,
    long arrivalNanos) {

  /** A request header, case-insensitive. */
  public String header(String name) {
    return headers.get(name);
  }
}

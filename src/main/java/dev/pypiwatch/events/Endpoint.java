package dev.pypiwatch.events;

import java.util.Optional;

/** One of the five PyPI Stats API endpoints of a package, named as in its URL path. */
public enum Endpoint {
  RECENT("recent"),
  OVERALL("overall"),
  PYTHON_MAJOR("python_major"),
  PYTHON_MINOR("python_minor"),
  SYSTEM("system");

  private static final Endpoint[] ALL = values();

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /** The last URL path segment, also the file name stem that {@code record} writes. */
  public String path() {
    return path;
  }

  /** True for the endpoints that return a daily time series (all but {@link #RECENT}). */
  public boolean isTimeSeries() {
    return this != RECENT;
  }

  /** The endpoint whose path is {@code path}, if any. */
  public static Optional<Endpoint> fromPath(String path) {
    for (Endpoint e : ALL) { // a loop, not a stream: every download event's decoding asks
      if (e.path.equals(path)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return path;
  }
}

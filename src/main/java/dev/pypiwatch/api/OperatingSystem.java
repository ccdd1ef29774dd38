package dev.pypiwatch.api;

import java.util.Locale;

/** The {@code os} filter of the {@code /system} endpoint. */
public enum OperatingSystem {
  WINDOWS,
  LINUX,
  DARWIN,
  OTHER;

  /** The query parameter value, e.g. {@code windows}. */
  public String query() {
    return name().toLowerCase(Locale.ROOT);
  }
}

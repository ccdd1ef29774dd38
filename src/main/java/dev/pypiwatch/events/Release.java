package dev.pypiwatch.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A release of a package on PyPI near an alert's day: a likely cause of a spike or a shift.
 *
 * @param version the release's version, e.g. {@code 2.1.0}
 * @param uploaded when its first file was uploaded (PyPI's {@code upload_time_iso_8601})
 */
public record Release(String version, Instant uploaded) {
  public Release {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uploaded, "uploaded");
  }
}

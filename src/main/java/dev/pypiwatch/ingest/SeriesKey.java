package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.util.Comparator;
import java.util.Objects;

/** One daily series of a package: an endpoint and a normalized category of it. */
public record SeriesKey(Endpoint endpoint, String category) implements Comparable<SeriesKey> {
  private static final Comparator<SeriesKey> ORDER =
      Comparator.comparing(SeriesKey::endpoint).thenComparing(SeriesKey::category);

  public SeriesKey {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(category, "category");
  }

  /** Endpoint order (enum order), then category (lexicographic): the publication order. */
  @Override
  public int compareTo(SeriesKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return endpoint + "/" + category;
  }
}

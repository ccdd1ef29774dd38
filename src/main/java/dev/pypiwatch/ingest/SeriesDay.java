package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Objects;

/** One day of one series: the unit the planner decides on (publish, skip, or unknown). */
public record SeriesDay(SeriesKey series, LocalDate date) implements Comparable<SeriesDay> {
  private static final Comparator<SeriesDay> ORDER =
      Comparator.comparing(SeriesDay::series).thenComparing(SeriesDay::date);

  public SeriesDay {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(date, "date");
  }

  /** The day {@code date} of ({@code endpoint}, {@code category}). */
  public static SeriesDay of(Endpoint endpoint, String category, LocalDate date) {
    return new SeriesDay(new SeriesKey(endpoint, category), date);
  }

  /** Endpoint, category, then date: the publication order. */
  @Override
  public int compareTo(SeriesDay other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return series + "@" + date;
  }
}

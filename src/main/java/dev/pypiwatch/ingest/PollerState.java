package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the poller remembers about one package between polls: the count last published per
 * (endpoint, category, date), consecutive transient empties per endpoint, the last successful
 * poll and the last published {@code /recent} figures. Immutable; changes go through {@link
 * Builder}, which prunes days older than {@link #RETAINED_DAYS} before the newest.
 *
 * <p>Stored as one message per package in a compacted topic: see {@link #toBytes()}.
 */
public final class PollerState {
  /**
   * Days kept before the newest date. The upstream serves 181 days (sometimes more); 200 keeps
   * a margin so that a slightly longer window is still compared with what was published.
   */
  public static final int RETAINED_DAYS = 200;

  /** The state of a package never polled. */
  public static final PollerState EMPTY =
      new PollerState(new TreeMap<>(), new EnumMap<>(Endpoint.class), null, null);

  private final SortedMap<SeriesKey, NavigableMap<LocalDate, Long>> counts;
  private final Map<Endpoint, Integer> transientEmpties;
  private final Instant lastSuccessfulPoll;
  private final PublishedRecent lastRecent;

  PollerState(
      SortedMap<SeriesKey, NavigableMap<LocalDate, Long>> counts,
      Map<Endpoint, Integer> transientEmpties,
      Instant lastSuccessfulPoll,
      PublishedRecent lastRecent) {
    TreeMap<SeriesKey, NavigableMap<LocalDate, Long>> copy = new TreeMap<>();
    counts.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            copy.put(k, Collections.unmodifiableNavigableMap(new TreeMap<>(v)));
          }
        });
    this.counts = Collections.unmodifiableSortedMap(copy);
    EnumMap<Endpoint, Integer> empties = new EnumMap<>(Endpoint.class);
    transientEmpties.forEach((e, n) -> { if (n > 0) empties.put(e, n); });
    this.transientEmpties = Collections.unmodifiableMap(empties);
    this.lastSuccessfulPoll = lastSuccessfulPoll;
    this.lastRecent = lastRecent;
  }

  /** The state stored as {@code bytes} by {@link #toBytes()}. */
  public static PollerState fromBytes(byte[] bytes) {
    return PollerStateCodec.decode(bytes);
  }

  /** A compact, versioned binary form (about 2-3 bytes per day and series). */
  public byte[] toBytes() {
    return PollerStateCodec.encode(this);
  }

  /** The published counts per series, dates ascending; unmodifiable. */
  public SortedMap<SeriesKey, NavigableMap<LocalDate, Long>> counts() {
    return counts;
  }

  /** The published counts of one series, empty when none. */
  public NavigableMap<LocalDate, Long> series(SeriesKey key) {
    return counts.getOrDefault(key, Collections.emptyNavigableMap());
  }

  /** The count published for a day, if any. */
  public Optional<Long> published(SeriesDay day) {
    return Optional.ofNullable(series(day.series()).get(day.date()));
  }

  /** True when something was published for {@code endpoint}. */
  public boolean hasData(Endpoint endpoint) {
    return counts.keySet().stream().anyMatch(k -> k.endpoint() == endpoint);
  }

  /** The newest date published for any series, empty for an empty state. */
  public Optional<LocalDate> newestDate() {
    return counts.values().stream().map(NavigableMap::lastKey).max(LocalDate::compareTo);
  }

  /** The newest date published for any series of {@code endpoint}. */
  public Optional<LocalDate> newestDate(Endpoint endpoint) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().endpoint() == endpoint)
        .map(e -> e.getValue().lastKey())
        .max(LocalDate::compareTo);
  }

  /** Consecutive polls whose answer for {@code endpoint} was empty although it had data. */
  public int transientEmpties(Endpoint endpoint) {
    return transientEmpties.getOrDefault(endpoint, 0);
  }

  Map<Endpoint, Integer> transientEmpties() {
    return transientEmpties;
  }

  /** When the last poll without a transient empty was fetched. */
  public Optional<Instant> lastSuccessfulPoll() {
    return Optional.ofNullable(lastSuccessfulPoll);
  }

  /** The {@code /recent} figures published last. */
  public Optional<PublishedRecent> lastRecent() {
    return Optional.ofNullable(lastRecent);
  }

  /** True for a package never polled (or polled without any data). */
  public boolean isEmpty() {
    return counts.isEmpty() && lastRecent == null;
  }

  /** A builder starting from this state. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PollerState s
        && counts.equals(s.counts)
        && transientEmpties.equals(s.transientEmpties)
        && Objects.equals(lastSuccessfulPoll, s.lastSuccessfulPoll)
        && Objects.equals(lastRecent, s.lastRecent);
  }

  @Override
  public int hashCode() {
    return Objects.hash(counts, transientEmpties, lastSuccessfulPoll, lastRecent);
  }

  @Override
  public String toString() {
    return "PollerState[series=" + counts.size() + ", newest=" + newestDate().orElse(null)
        + ", transientEmpties=" + transientEmpties + ", lastSuccessfulPoll=" + lastSuccessfulPoll
        + ", lastRecent=" + lastRecent + "]";
  }

  /** Copy-on-write changes to a {@link PollerState}; {@link #build()} prunes old days. */
  public static final class Builder {
    private final TreeMap<SeriesKey, NavigableMap<LocalDate, Long>> counts = new TreeMap<>();
    private final EnumMap<Endpoint, Integer> transientEmpties = new EnumMap<>(Endpoint.class);
    private Instant lastSuccessfulPoll;
    private PublishedRecent lastRecent;

    private Builder(PollerState from) {
      from.counts.forEach((k, v) -> counts.put(k, new TreeMap<>(v)));
      transientEmpties.putAll(from.transientEmpties);
      lastSuccessfulPoll = from.lastSuccessfulPoll;
      lastRecent = from.lastRecent;
    }

    /** Records {@code downloads} as published for {@code day}. */
    public Builder put(SeriesDay day, long downloads) {
      counts.computeIfAbsent(day.series(), k -> new TreeMap<>()).put(day.date(), downloads);
      return this;
    }

    /** Counts one more consecutive transient empty of {@code endpoint}. */
    public Builder transientEmpty(Endpoint endpoint) {
      transientEmpties.merge(endpoint, 1, Integer::sum);
      return this;
    }

    /** Ends a run of transient empties of {@code endpoint}: it answered with data. */
    public Builder answered(Endpoint endpoint) {
      transientEmpties.remove(endpoint);
      return this;
    }

    /** Sets the time of the last successful poll. */
    public Builder lastSuccessfulPoll(Instant at) {
      lastSuccessfulPoll = at;
      return this;
    }

    /** Sets the {@code /recent} figures published last. */
    public Builder lastRecent(PublishedRecent recent) {
      lastRecent = recent;
      return this;
    }

    /** The state, without days older than the newest date minus {@link #RETAINED_DAYS}. */
    public PollerState build() {
      counts.values().stream()
          .filter(m -> !m.isEmpty())
          .map(NavigableMap::lastKey)
          .max(LocalDate::compareTo)
          .map(newest -> newest.minusDays(RETAINED_DAYS))
          .ifPresent(cutoff -> counts.values().forEach(m -> m.headMap(cutoff, false).clear()));
      return new PollerState(counts, transientEmpties, lastSuccessfulPoll, lastRecent);
    }
  }
}

package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the poller remembers about one package between polls: the count last published per
 * (endpoint, category, date), consecutive transient empties per endpoint, the last successful
 * poll and the last published {@code /recent} figures. Immutable; changes go through {@link
 * Builder}, which prunes days older than {@link #RETAINED_DAYS} before the newest.
 *
 * <p>The poller holds one per package it owns, so the days are held compactly ({@link
 * PublishedDays}: an int a day, about 13 KB for a package's 17 series of 181 days), and stored as
 * one message per package in a compacted topic: see {@link #toBytes()}.
 */
public final class PollerState {
  /**
   * Days kept before the newest date. The upstream serves 181 days (sometimes more); 200 keeps
   * a margin so that a slightly longer window is still compared with what was published.
   */
  public static final int RETAINED_DAYS = 200;

  /** The state of a package never polled. */
  public static final PollerState EMPTY =
      new PollerState(new TreeMap<>(), Map.of(), null, null);

  /** The series with a published day, in {@link SeriesKey} order; {@code days[i]} is {@code keys[i]}'s. */
  private final SeriesKey[] keys;
  private final PublishedDays[] days;
  private final Map<Endpoint, Integer> transientEmpties;
  private final Instant lastSuccessfulPoll;
  private final PublishedRecent lastRecent;

  PollerState(
      SortedMap<SeriesKey, PublishedDays> days,
      Map<Endpoint, Integer> transientEmpties,
      Instant lastSuccessfulPoll,
      PublishedRecent lastRecent) {
    this.keys = days.keySet().toArray(new SeriesKey[0]);
    this.days = days.values().toArray(new PublishedDays[0]);
    EnumMap<Endpoint, Integer> empties = new EnumMap<>(Endpoint.class);
    transientEmpties.forEach((e, n) -> { if (n > 0) empties.put(e, n); });
    // Most packages have none: one shared empty map instead of an EnumMap each.
    this.transientEmpties = empties.isEmpty() ? Map.of() : Collections.unmodifiableMap(empties);
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

  /** The published counts per series, dates ascending: a copy, for tests and diagnostics. */
  public SortedMap<SeriesKey, NavigableMap<LocalDate, Long>> counts() {
    TreeMap<SeriesKey, NavigableMap<LocalDate, Long>> copy = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) {
      copy.put(keys[i], days[i].toMap());
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /** The published counts of one series, empty when none: a copy, for tests and diagnostics. */
  public NavigableMap<LocalDate, Long> series(SeriesKey key) {
    PublishedDays d = days(key);
    return d == null ? Collections.emptyNavigableMap() : d.toMap();
  }

  /** The published days of one series, null when none. */
  PublishedDays days(SeriesKey key) {
    int i = Arrays.binarySearch(keys, key);
    return i >= 0 ? days[i] : null;
  }

  /** The count published for a day, if any. */
  public Optional<Long> published(SeriesDay day) {
    PublishedDays d = days(day.series());
    long n = d == null ? PublishedDays.NONE : d.get(epochDay(day.date()));
    return n == PublishedDays.NONE ? Optional.empty() : Optional.of(n);
  }

  /** True when something was published for {@code endpoint}. */
  public boolean hasData(Endpoint endpoint) {
    for (SeriesKey k : keys) {
      if (k.endpoint() == endpoint) {
        return true;
      }
    }
    return false;
  }

  /** The newest date published for any series, empty for an empty state. */
  public Optional<LocalDate> newestDate() {
    return newest(null);
  }

  /** The newest date published for any series of {@code endpoint}. */
  public Optional<LocalDate> newestDate(Endpoint endpoint) {
    return newest(Objects.requireNonNull(endpoint, "endpoint"));
  }

  private Optional<LocalDate> newest(Endpoint endpoint) {
    int newest = Integer.MIN_VALUE;
    for (int i = 0; i < keys.length; i++) {
      if (endpoint == null || keys[i].endpoint() == endpoint) {
        newest = Math.max(newest, days[i].lastDay());
      }
    }
    return newest == Integer.MIN_VALUE ? Optional.empty() : Optional.of(LocalDate.ofEpochDay(newest));
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
    return keys.length == 0 && lastRecent == null;
  }

  /**
   * Bytes of the day arrays held (headers included), from their lengths: a deterministic measure
   * of the state's size for footprint checks, without GC.
   */
  public long footprintBytes() {
    long bytes = 0;
    for (PublishedDays d : days) {
      bytes += d.bytes();
    }
    return bytes;
  }

  /** A builder starting from this state. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The series and their days, in key order. */
  SortedMap<SeriesKey, PublishedDays> days() {
    TreeMap<SeriesKey, PublishedDays> map = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], days[i]);
    }
    return map;
  }

  private static int epochDay(LocalDate date) {
    return Math.toIntExact(date.toEpochDay());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PollerState s
        && Arrays.equals(keys, s.keys)
        && Arrays.equals(days, s.days)
        && transientEmpties.equals(s.transientEmpties)
        && Objects.equals(lastSuccessfulPoll, s.lastSuccessfulPoll)
        && Objects.equals(lastRecent, s.lastRecent);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(keys), Arrays.hashCode(days), transientEmpties,
        lastSuccessfulPoll, lastRecent);
  }

  @Override
  public String toString() {
    return "PollerState[series=" + keys.length + ", newest=" + newestDate().orElse(null)
        + ", transientEmpties=" + transientEmpties + ", lastSuccessfulPoll=" + lastSuccessfulPoll
        + ", lastRecent=" + lastRecent + "]";
  }

  /**
   * Copy-on-write changes to a {@link PollerState}; {@link #build()} prunes old days. Only the
   * series given a day are copied (most polls change a few days of a few series).
   */
  public static final class Builder {
    private final SortedMap<SeriesKey, PublishedDays> kept;
    private final Map<SeriesKey, PublishedDays.Draft> drafts = new HashMap<>();
    private final EnumMap<Endpoint, Integer> transientEmpties = new EnumMap<>(Endpoint.class);
    private Instant lastSuccessfulPoll;
    private PublishedRecent lastRecent;

    private Builder(PollerState from) {
      kept = from.days();
      transientEmpties.putAll(from.transientEmpties);
      lastSuccessfulPoll = from.lastSuccessfulPoll;
      lastRecent = from.lastRecent;
    }

    /** Records {@code downloads} as published for {@code day}. */
    public Builder put(SeriesDay day, long downloads) {
      drafts.computeIfAbsent(day.series(), k -> new PublishedDays.Draft(kept.get(k)))
          .put(epochDay(day.date()), downloads);
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
      int newest = Integer.MIN_VALUE;
      for (Map.Entry<SeriesKey, PublishedDays> e : kept.entrySet()) {
        if (!drafts.containsKey(e.getKey())) {
          newest = Math.max(newest, e.getValue().lastDay());
        }
      }
      for (PublishedDays.Draft d : drafts.values()) {
        newest = Math.max(newest, d.lastDay());
      }
      int cutoff = newest == Integer.MIN_VALUE ? Integer.MIN_VALUE : newest - RETAINED_DAYS;
      TreeSet<SeriesKey> series = new TreeSet<>(kept.keySet());
      series.addAll(drafts.keySet());
      TreeMap<SeriesKey, PublishedDays> days = new TreeMap<>();
      for (SeriesKey k : series) {
        PublishedDays.Draft draft = drafts.get(k);
        PublishedDays d = draft != null ? draft.build(cutoff) : kept.get(k).from(cutoff);
        if (d != null) {
          days.put(k, d);
        }
      }
      return new PollerState(days, transientEmpties, lastSuccessfulPoll, lastRecent);
    }
  }
}

package dev.pypiwatch.events;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * One series' daily counts over a window of {@code capacity} days ending at its newest day, in a
 * ring of {@code int}s (a {@code long[]} once a count outgrows an int): 4 bytes a day instead of
 * the ~80 of a map entry, and a day older than the window is dropped, so memory stays bounded
 * however long the service runs. Kept by the HTTP read model and the notifier's chart series. Not
 * thread-safe: its owner guards it.
 */
public final class DailyCounts {
  private static final int MISSING = -1;

  private final int capacity;
  private int[] small;
  private long[] large; // replaces small on the first count above Integer.MAX_VALUE
  private long newest = Long.MIN_VALUE; // epoch day; MIN_VALUE while empty
  private int size;

  /** An empty window of {@code capacity} days. */
  public DailyCounts(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.capacity = capacity;
    this.small = new int[capacity];
    Arrays.fill(small, MISSING);
  }

  /** Sets {@code day}'s count (a revision replaces it); ignored if older than the window. */
  public void put(LocalDate day, long downloads) {
    if (downloads < 0) {
      throw new IllegalArgumentException("downloads < 0: " + downloads);
    }
    long d = day.toEpochDay();
    if (newest == Long.MIN_VALUE) {
      newest = d;
    } else if (d > newest) {
      // The window moves forward: the days it leaves behind are cleared for reuse.
      for (long gone = newest + 1; gone <= Math.min(d, newest + capacity); gone++) {
        clear(slot(gone));
      }
      newest = d;
    } else if (d <= newest - capacity) {
      return;
    }
    int slot = slot(d);
    if (isMissing(slot)) {
      size++;
    }
    store(slot, downloads);
  }

  /** The count of {@code day}, or -1 if unknown or outside the window. */
  public long get(LocalDate day) {
    long d = day.toEpochDay();
    if (newest == Long.MIN_VALUE || d > newest || d <= newest - capacity) {
      return MISSING;
    }
    return load(slot(d));
  }

  /** The newest day held, or null if none. */
  public LocalDate newestDay() {
    return size == 0 ? null : LocalDate.ofEpochDay(newest);
  }

  /** Days held. */
  public int size() {
    return size;
  }

  /** Each known day from {@code from} to {@code to} (inclusive, null = open), oldest first. */
  public void forEach(LocalDate from, LocalDate to, ObjLongConsumer<LocalDate> each) {
    if (size == 0) {
      return;
    }
    long lo = Math.max(newest - capacity + 1, from == null ? Long.MIN_VALUE : from.toEpochDay());
    long hi = Math.min(newest, to == null ? Long.MAX_VALUE : to.toEpochDay());
    for (long d = lo; d <= hi; d++) {
      long n = load(slot(d));
      if (n != MISSING) {
        each.accept(LocalDate.ofEpochDay(d), n);
      }
    }
  }

  private int slot(long epochDay) {
    return (int) Math.floorMod(epochDay, (long) capacity);
  }

  private boolean isMissing(int slot) {
    return load(slot) == MISSING;
  }

  private void clear(int slot) {
    if (!isMissing(slot)) {
      size--;
      store(slot, MISSING);
    }
  }

  private long load(int slot) {
    return large != null ? large[slot] : small[slot];
  }

  private void store(int slot, long value) {
    if (large == null && value > Integer.MAX_VALUE) {
      large = new long[capacity];
      for (int i = 0; i < capacity; i++) {
        large[i] = small[i];
      }
      small = null;
    }
    if (large != null) {
      large[slot] = value;
    } else {
      small[slot] = (int) value;
    }
  }
}

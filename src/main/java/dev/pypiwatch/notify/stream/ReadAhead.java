package dev.pypiwatch.notify.stream;

import dev.pypiwatch.events.Alert;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts decoded ahead of the group's consumer (by the firing set's refresh), by partition and
 * offset, for its steps to take rather than decode the same records again; at most a given number.
 * Not thread-safe.
 */
final class ReadAhead {
  private final int max;
  private final Map<Integer, TreeMap<Long, Alert>> alerts = new HashMap<>();
  private int size;

  /** Keeps at most {@code max} alerts. */
  ReadAhead(int max) {
    this.max = max;
  }

  /** Keeps {@code a}, the alert at {@code offset} of {@code partition}, unless {@code max} are kept already. */
  void put(int partition, long offset, Alert a) {
    if (size < max && alerts.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, a) == null) {
      size++;
    }
  }

  /**
   * The alert at {@code offset} of {@code partition} if kept, else null; forgets it and those kept
   * before it (the consumer reads a partition in order: it has passed them).
   */
  Alert take(int partition, long offset) {
    TreeMap<Long, Alert> ahead = alerts.get(partition);
    if (ahead == null) {
      return null;
    }
    for (Map.Entry<Long, Alert> e; (e = ahead.firstEntry()) != null && e.getKey() < offset; ) {
      ahead.pollFirstEntry();
      size--;
    }
    Alert a = ahead.remove(offset);
    if (a != null) {
      size--;
    }
    return a;
  }

  /** Forgets every alert kept. */
  void clear() {
    alerts.clear();
    size = 0;
  }

  /** How many alerts are kept. */
  int size() {
    return size;
  }
}

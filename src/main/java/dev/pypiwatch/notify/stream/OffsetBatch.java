package dev.pypiwatch.notify.stream;

import java.time.Duration;

/**
 * When the notifier commits a step whose only change is offsets that moved (alerts read and finished
 * at once: history, unrouted, silenced without a record, already sent): at once when every assigned
 * partition is read to its end, else at most {@link #BATCH} after the first such step. A catch-up
 * then commits about once a second rather than once per poll; the alerts re-read after a crash are
 * finished ones, so nothing is sent twice. Steps with records to write do not wait. Not thread-safe.
 */
final class OffsetBatch {
  /** How long, at most, moved offsets wait for the partitions to be read to their end. */
  static final Duration BATCH = Duration.ofSeconds(1);

  private boolean waiting;
  private long waitingSince;

  /**
   * Whether offsets alone are committed now, at {@code nanos} ({@link System#nanoTime()}): yes if
   * {@code caughtUp} or they have waited {@link #BATCH}; else they wait from now (if not already).
   */
  boolean commitNow(boolean caughtUp, long nanos) {
    if (caughtUp) {
      return true;
    }
    if (!waiting) {
      waiting = true;
      waitingSince = nanos;
    }
    return nanos - waitingSince >= BATCH.toNanos();
  }

  /** A transaction committed (or there was nothing to commit): nothing waits any more. */
  void committed() {
    waiting = false;
  }
}

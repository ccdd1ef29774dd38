package dev.pypiwatch.ingest;

import java.time.Instant;

/** Hears the poller's progress as it happens (e.g. to stream it); called on the poller's thread, so it must not block. */
public interface PollListener {
  /** How one package's poll ended. */
  enum Outcome {
    /** Its data reached the expected day and was published. */
    FRESH,
    /** Answered, but its data is late (or the upstream answered empty for now). */
    BEHIND,
    /** The upstream does not know it. */
    INVALID,
    /** A fetch or the publication failed. */
    FAILED;

    /** The spelling in JSON. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code pkg} (as configured) was polled at {@code at}, with {@code outcome}. */
  void polled(String pkg, Outcome outcome, Instant at);

  /** A poll cycle finished with {@code report}. */
  void cycleFinished(Poller.CycleReport report);
}

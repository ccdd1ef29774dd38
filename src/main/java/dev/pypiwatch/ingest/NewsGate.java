package dev.pypiwatch.ingest;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which packages of a poll cycle are worth their three requests: the reference series
 * ({@code __all__}, one request, fetched first in every cycle) tells whether the upstream has
 * anything new, so a late upstream day or an outage costs one request per retry instead of three
 * per package.
 *
 * <p>Obtained once per {@link Poller} ({@link #cycle} per poll cycle). A package is polled when:
 * <ul>
 *   <li>there is no usable reference (disabled, or it fails in a way of its own: 404, a body
 *       that is not a series): today's behaviour, every package is polled;</li>
 *   <li>the reference has the expected day: the upstream publishes a day for every package at
 *       once (since 2025-08), so every package has news, or is behind for reasons of its own;</li>
 *   <li>the reference is late, but the package has not been polled completely since the
 *       reference's newest day appeared: never polled (start-up, an addition), or its last poll
 *       failed, was transiently empty or was not published.</li>
 * </ul>
 * Otherwise it waits: the reference is late and the package already has the reference's newest
 * day, or the reference fails the way every package would (5xx, 429, time-out, no connection).
 *
 * <p>A reference that lags the packages, or that alone fails, must not hold them back for ever:
 * while packages are held back, one package of the cycle is polled as a probe on the first such
 * cycle of each expected day and every {@value #PROBE_EVERY}th after. If a polled package has a
 * day newer than the reference's newest, or answers while the reference fails, the rest of the
 * cycle is polled, and so is every later cycle expecting the same day (today's behaviour). Not
 * thread-safe: a poller runs one cycle at a time.
 */
final class NewsGate {
  /** While packages are held back, a probe every this many cycles (the first included). */
  static final int PROBE_EVERY = 4;

  /** Package as polled -> the reference's newest day when its last complete poll was made. */
  private final Map<String, LocalDate> polledThrough = new ConcurrentHashMap<>();
  private LocalDate heldDay;
  private int heldCycles;
  // The expected day for which a poll showed the reference cannot be trusted: no holding back.
  private LocalDate distrustedDay;

  /** What the reference series said at the start of a cycle. */
  record ReferenceCheck(Status status, LocalDate newest) {
    /** How the reference answered. */
    enum Status {
      /** {@code poller.reference-package: ""}. */
      DISABLED,
      /** A failure of its own (404, a body that is not a series, no rows): not evidence about the upstream. */
      UNUSABLE,
      /** A failure every package would get: 5xx, 429, time-out, no connection. */
      DOWN,
      /** A series; {@code newest} is its newest day. */
      ANSWERED
    }

    ReferenceCheck {
      Objects.requireNonNull(status, "status");
      if ((status == Status.ANSWERED) != (newest != null)) {
        throw new IllegalArgumentException("newest is set exactly when ANSWERED: " + status + " " + newest);
      }
    }

    static ReferenceCheck answered(LocalDate newest) {
      return new ReferenceCheck(Status.ANSWERED, newest);
    }

    static ReferenceCheck of(Status status) {
      return new ReferenceCheck(status, null);
    }

    static ReferenceCheck disabled() {
      return of(Status.DISABLED);
    }

    static ReferenceCheck unusable() {
      return of(Status.UNUSABLE);
    }

    static ReferenceCheck down() {
      return of(Status.DOWN);
    }
  }

  /** How one package's poll went, as far as the gate cares. */
  record PackagePoll(boolean complete, boolean answered, LocalDate newest) {
    /**
     * @param complete every endpoint answered, none transiently empty, and the result published
     * @param answered at least one endpoint answered (the upstream is up)
     * @param newest the newest day of its {@code overall} answer, null if none
     */
    PackagePoll {}
  }

  /** Starts the decisions of a cycle expecting {@code expectedNewest}, after the reference said {@code reference}. */
  Cycle cycle(ReferenceCheck reference, LocalDate expectedNewest) {
    Objects.requireNonNull(expectedNewest, "expectedNewest");
    boolean hold = switch (reference.status()) {
      case DISABLED, UNUSABLE -> false;
      case DOWN -> true;
      case ANSWERED -> reference.newest().isBefore(expectedNewest);
    };
    if (!hold || expectedNewest.equals(distrustedDay)) {
      heldCycles = 0;
      return new Cycle(reference, expectedNewest, Mode.POLL_ALL, false);
    }
    if (!expectedNewest.equals(heldDay)) {
      heldDay = expectedNewest;
      heldCycles = 0;
    }
    boolean probe = heldCycles % PROBE_EVERY == 0;
    heldCycles++;
    Mode mode = reference.status() == ReferenceCheck.Status.DOWN ? Mode.WAIT : Mode.NEWS_ONLY;
    return new Cycle(reference, expectedNewest, mode, probe);
  }

  /**
   * Forgets {@code pkg}'s last complete poll: its batch was lost after all (aborted after its
   * commit had returned), so it is polled even while the others are held back.
   */
  void unpublished(String pkg) {
    polledThrough.remove(pkg);
  }

  private enum Mode { POLL_ALL, NEWS_ONLY, WAIT }

  /** The decisions of one cycle, package by package in polling order. */
  final class Cycle {
    private final ReferenceCheck reference;
    private final LocalDate expectedNewest;
    private Mode mode;
    private boolean probeDue;

    private Cycle(ReferenceCheck reference, LocalDate expectedNewest, Mode mode, boolean probeDue) {
      this.reference = reference;
      this.expectedNewest = expectedNewest;
      this.mode = mode;
      this.probeDue = probeDue;
    }

    /** True while some packages of this cycle may be held back. */
    boolean holding() {
      return mode != Mode.POLL_ALL;
    }

    /** True if {@code pkg} is to be polled now; false: it waits for the upstream's day. */
    boolean shouldPoll(String pkg) {
      if (mode == Mode.POLL_ALL) {
        return true;
      }
      if (probeDue) {
        probeDue = false;
        return true;
      }
      if (mode == Mode.WAIT) {
        return false;
      }
      LocalDate through = polledThrough.get(pkg);
      return through == null || through.isBefore(reference.newest());
    }

    /**
     * Records how the poll of {@code pkg} went. Returns true if it showed the reference cannot be
     * trusted (a day newer than the reference's, or an answer while the reference fails): the
     * rest of the cycle, and every later cycle expecting the same day, is then polled.
     */
    boolean polled(String pkg, PackagePoll poll) {
      if (poll.complete() && reference.status() == ReferenceCheck.Status.ANSWERED) {
        polledThrough.put(pkg, reference.newest());
      } else {
        polledThrough.remove(pkg);
      }
      boolean distrust = switch (mode) {
        case POLL_ALL -> false;
        case WAIT -> poll.answered();
        case NEWS_ONLY -> poll.newest() != null && poll.newest().isAfter(reference.newest());
      };
      if (distrust) {
        mode = Mode.POLL_ALL;
        distrustedDay = expectedNewest;
      }
      return distrust;
    }
  }
}

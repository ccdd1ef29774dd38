package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * That one thing was delivered to one receiver, given up on, or held back by a silence: a record of the sent topic (key
 * {@link #key()}), read back at start-up so nothing is sent twice.
 *
 * @param receiver the receiver's name
 * @param subject the alert's fingerprint, or {@code *} for a digest
 * @param what the transition's state ({@code firing}, {@code resolved}), {@code reminder} or
 *     {@code digest}
 * @param date the transition's date; the day a reminder or digest was sent
 * @param notificationId the notification that carried it; the silence that held it back
 * @param kind that notification's kind
 * @param at when it was delivered, given up on or held back
 * @param outcome delivered, dead-lettered after the last attempt, or held back by a silence
 */
public record SentRecord(String receiver, String subject, String what, LocalDate date,
    String notificationId, Notification.Kind kind, Instant at, Outcome outcome) {

  /** What became of it. */
  public enum Outcome {
    /** The receiver accepted it. */
    SENT("sent"),
    /** Every attempt failed (or one failed for good); it is in the dead-letter topic. */
    DEAD_LETTERED("dead-lettered"),
    /**
     * A firing held back by a silence (its notification id is the silence's): sent when the
     * silence ends while it still fires, and then replaced by the delivery's record.
     */
    SILENCED("silenced"),
    /**
     * A notification of alert transitions carrying it was formed and is about to be attempted: it
     * fixes the notification's members, so that after a crash the same transitions, read again, form
     * the same notification (same id) instead of joining others. Replaced by the outcome.
     */
    FORMED("formed");

    private final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }

    /** The spelling on the wire. */
    public String wire() {
      return wire;
    }

    /** The outcome spelled {@code wire}. */
    public static Outcome fromWire(String wire) {
      for (Outcome o : values()) {
        if (o.wire.equals(wire)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown outcome: " + wire);
    }
  }

  /** {@link #what()} of a reminder. */
  public static final String REMINDER = "reminder";
  /** {@link #what()} of a digest. */
  public static final String DIGEST = "digest";
  /** {@link #subject()} of a digest. */
  public static final String ALL = "*";

  public SentRecord {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(notificationId, "notificationId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** The sent topic's key: {@code receiver|subject|what|date}. */
  public String key() {
    return key(receiver, subject, what, date);
  }

  /** The key of transition {@code a} for {@code receiver}: {@code receiver|fingerprint|state|date}. */
  public static String key(String receiver, Alert a) {
    return key(receiver, a.fingerprint(), a.state().wire(), a.date());
  }

  /** The key of a reminder of {@code fingerprint} sent to {@code receiver} on {@code day}. */
  public static String reminderKey(String receiver, String fingerprint, LocalDate day) {
    return key(receiver, fingerprint, REMINDER, day);
  }

  /** The key of {@code receiver}'s digest sent on {@code day}. */
  public static String digestKey(String receiver, LocalDate day) {
    return key(receiver, ALL, DIGEST, day);
  }

  static String key(String receiver, String subject, String what, LocalDate date) {
    return receiver + '|' + subject + '|' + what + '|' + date;
  }
}

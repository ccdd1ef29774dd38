package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A notification the notifier gave up on, as the dead-letter topic holds it ({@link
 * NotificationCodec#DLQ_SCHEMA}): enough to send its alerts again with the same id.
 *
 * @param receiver the receiver's name
 * @param notificationId the notification's id (the webhook's Idempotency-Key)
 * @param kind what it was
 * @param date the day it was about
 * @param alerts the transitions it carried (empty for a digest)
 * @param digestLines how many lines its digest had (its lines are not kept)
 * @param error what the last attempt ended with
 * @param attempts how many attempts were made
 * @param time when it was given up on
 */
public record DeadLetter(String receiver, String notificationId, Notification.Kind kind, LocalDate date,
    List<Alert> alerts, int digestLines, String error, int attempts, Instant time) {

  public DeadLetter {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(notificationId, "notificationId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(date, "date");
    alerts = List.copyOf(alerts);
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(time, "time");
  }

  /**
   * True if it can be sent again: its alerts are kept. A digest is not (its lines are not kept,
   * and the next day's digest supersedes it).
   */
  public boolean replayable() {
    return kind != Notification.Kind.DIGEST;
  }

  /** The notification to send again: the same id, receiver, kind, day and alerts; no charts. */
  public Notification notification() {
    return new Notification(notificationId, receiver, kind, date, alerts, Map.of(), List.of());
  }
}

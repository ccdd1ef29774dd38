package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message for one receiver: the alert transitions of one daily cycle grouped together, a
 * reminder of alerts still firing, or the daily digest of every watched package.
 *
 * @param id stable id of this message (the same after a restart), used as idempotency key
 * @param receiver the receiver's name
 * @param kind what the message is
 * @param date the day it is about (the newest alert date, or the digest's day)
 * @param alerts the transitions it reports, ordered by severity (highest first), then package
 * @param series the recent daily series of the packages it mentions, for charts; may lack some
 * @param digest the digest's lines, one per watched package (empty unless {@code kind} is DIGEST)
 */
public record Notification(String id, String receiver, Kind kind, LocalDate date,
    List<Alert> alerts, Map<String, RecentSeries> series, List<DigestLine> digest) {

  /** What a notification is. */
  public enum Kind { ALERTS, REMINDER, DIGEST }

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(date, "date");
    alerts = List.copyOf(alerts);
    series = Map.copyOf(series);
    digest = List.copyOf(digest);
  }
}

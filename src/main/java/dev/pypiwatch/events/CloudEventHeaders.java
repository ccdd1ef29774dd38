package dev.pypiwatch.events;

import dev.pypiwatch.rules.Alert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 attributes of pypiwatch's records, in the Kafka protocol binding's binary mode
 * ({@code ce_*} headers; the record value is the event data).
 *
 * <p>{@code ce_id} is derived from the fact itself (a UUID v5 of its identifying fields), so a
 * retried or repeated publication of the same fact carries the same id and consumers may
 * de-duplicate on ({@code ce_source}, {@code ce_id}).
 */
public final class CloudEventHeaders {
  public static final String SPECVERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String TIME = "ce_time";
  public static final String SUBJECT = "ce_subject";
  public static final String CONTENT_TYPE = "content-type";

  /** {@code ce_type} of a download observation. */
  public static final String DOWNLOAD_TYPE = "dev.pypiwatch.download.v1";
  /** {@code ce_type} of a recent observation. */
  public static final String RECENT_TYPE = "dev.pypiwatch.recent.v1";
  /** {@code ce_type} of an alert transition. */
  public static final String ALERT_TYPE = "dev.pypiwatch.alert.v1";
  /** {@code ce_type} of a notification given up on (the dead-letter topic). */
  public static final String DEAD_LETTER_TYPE = "dev.pypiwatch.notification-dlq.v1";
  /** {@code ce_source} of the notifier's records. */
  public static final String NOTIFIER_SOURCE = "/pypiwatch/notifier";
  /** {@code ce_source} of alerts: the rule engine (the rule verticle, or a backtest replaying it). */
  public static final String RULES_SOURCE = "/pypiwatch/rules";
  /**
   * {@code ce_source} of every event: the poller, not the fetched URL, so that one fact obtained
   * through two URLs (e.g. a Python major summed from its minors) still has one (source, id).
   */
  public static final String POLLER_SOURCE = "/pypiwatch/poller";
  public static final String JSON = "application/json";

  // Name-space of pypiwatch's UUID v5 ids (itself the UUID v5 of "https://pypiwatch.dev/" in the RFC 4122 URL name-space).
  private static final UUID NAMESPACE = UUID.fromString("4062110c-9210-533d-98b6-8cff2539f150");

  private CloudEventHeaders() {}

  /** The headers of a download observation's record. */
  public static Headers forDownload(DownloadObservation o) {
    return headers(downloadId(o), DOWNLOAD_TYPE, POLLER_SOURCE, o.fetchedAt().toString(), o.record().packageName());
  }

  /** The headers of a recent observation's record. */
  public static Headers forRecent(RecentObservation o) {
    return headers(recentId(o), RECENT_TYPE, POLLER_SOURCE, o.fetchedAt().toString(), o.recent().packageName());
  }

  /**
   * The headers of an alert transition's record. {@code ce_time} is the alert's date at 00:00 UTC:
   * the alert carries no detection instant, and a date-derived time keeps a re-published or
   * back-tested transition byte-identical.
   */
  public static Headers forAlert(Alert a) {
    String time = a.date().atStartOfDay(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    return headers(alertId(a), ALERT_TYPE, RULES_SOURCE, time, a.packageName());
  }

  /**
   * The headers of a dead letter: {@code ce_id} is the notification's id (a notification is
   * dead-lettered at most once), {@code ce_subject} the receiver, {@code ce_time} when it was given
   * up on.
   */
  public static Headers forDeadLetter(String notificationId, String receiver, Instant at) {
    return headers(notificationId, DEAD_LETTER_TYPE, NOTIFIER_SOURCE, at.toString(), receiver);
  }

  /** The id of an alert transition: fingerprint, state and date. */
  public static String alertId(Alert a) {
    return uuid5("alert|" + a.fingerprint() + '|' + a.state().wire() + '|' + a.date()).toString();
  }

  /** The id of a download fact: package, endpoint, category, date and count. */
  public static String downloadId(DownloadObservation o) {
    DownloadRecord r = o.record();
    return uuid5("download|" + r.packageName() + '|' + r.endpoint().path() + '|' + r.category() + '|'
        + r.date() + '|' + r.downloads()).toString();
  }

  /** The id of a recent fact: package, day and the three figures. */
  public static String recentId(RecentObservation o) {
    RecentDownloads r = o.recent();
    return uuid5("recent|" + r.packageName() + '|' + o.asOf() + '|' + r.lastDay() + '|' + r.lastWeek()
        + '|' + r.lastMonth()).toString();
  }

  /** The value of header {@code key} as text, or null when absent. */
  public static String text(Headers headers, String key) {
    var h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Headers headers(String id, String type, String source, String time, String subject) {
    RecordHeaders h = new RecordHeaders();
    h.add(SPECVERSION, bytes("1.0"));
    h.add(ID, bytes(id));
    h.add(SOURCE, bytes(source));
    h.add(TYPE, bytes(type));
    h.add(TIME, bytes(time));
    h.add(SUBJECT, bytes(subject));
    h.add(CONTENT_TYPE, bytes(JSON));
    return h;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** RFC 4122 name-based UUID, version 5 (SHA-1), in pypiwatch's name-space (also the notifications' ids). */
  public static UUID uuid5(String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
    ByteBuffer ns = ByteBuffer.allocate(16)
        .putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
    sha1.update(ns.array());
    byte[] h = sha1.digest(bytes(name));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50); // version 5
    h[8] = (byte) ((h[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}

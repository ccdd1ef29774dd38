package dev.pypiwatch.kafka;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.CompactRecord;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.RecentObservation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 attributes of pypiwatch's records, in the Kafka protocol binding's binary mode
 * ({@code ce_*} headers; the record value is the event data).
 *
 * <p>{@code ce_id} is derived from the fact itself ({@link Ids}), so a
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
  /** Extension attribute of alerts: {@code true} if the transition was history when detected. */
  public static final String HISTORY = "ce_history";

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
  /**
   * Not a CloudEvents attribute: the download record again in a few bytes ({@link CompactRecord}),
   * for the stages that read every event. The value (JSON) stays the event.
   */
  public static final String RECORD = "pypiwatch-record";

  private CloudEventHeaders() {}

  /** The headers of a download observation's record. */
  public static Headers forDownload(DownloadObservation o) {
    Headers h = headers(Ids.downloadId(o), DOWNLOAD_TYPE, POLLER_SOURCE, o.fetchedAt().toString(), o.record().packageName());
    byte[] compact = CompactRecord.encode(o.record());
    if (compact != null) {
      h.add(RECORD, compact);
    }
    return h;
  }

  /**
   * The download record of {@code r}, an event of the downloads topic: from its {@link #RECORD}
   * header when that reads, else from its JSON (whose errors it throws).
   */
  public static DownloadRecord downloadRecord(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(RECORD); // the last header written: found first
    return EventCodec.decodeRecord(r.value(), h == null ? null : h.value());
  }

  /** The headers of a recent observation's record. */
  public static Headers forRecent(RecentObservation o) {
    return headers(Ids.recentId(o), RECENT_TYPE, POLLER_SOURCE, o.fetchedAt().toString(), o.recent().packageName());
  }

  /**
   * The headers of an alert transition's record. {@code ce_time} is the alert's date at 00:00 UTC:
   * the alert carries no detection instant, and a date-derived time keeps a re-published or
   * back-tested transition byte-identical.
   */
  public static Headers forAlert(Alert a) {
    String time = a.date().atStartOfDay(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    return headers(Ids.alertId(a), ALERT_TYPE, RULES_SOURCE, time, a.packageName());
  }

  /**
   * The headers of an alert transition published by the running service, with the extension
   * attribute {@code ce_history}: {@code true} when the transition was already history when it was
   * detected (a backfill, a catch-up), so that a consumer can tell news from history as the
   * notifier does.
   */
  public static Headers forAlert(Alert a, boolean history) {
    Headers h = forAlert(a);
    h.add(HISTORY, bytes(Boolean.toString(history)));
    return h;
  }

  /**
   * The headers of a dead letter: {@code ce_id} is the notification's id (a notification is
   * dead-lettered at most once), {@code ce_subject} the receiver, {@code ce_time} when it was given
   * up on.
   */
  public static Headers forDeadLetter(String notificationId, String receiver, Instant at) {
    return headers(notificationId, DEAD_LETTER_TYPE, NOTIFIER_SOURCE, at.toString(), receiver);
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
}

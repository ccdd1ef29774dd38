package dev.pypiwatch.notify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.EventDecodingException;
import dev.pypiwatch.events.JsonFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of the notifier's two topics: a sent record ({@value #SENT_SCHEMA}, the value of the
 * compacted sent topic, key = {@link SentRecord#key()}) and a dead letter ({@value #DLQ_SCHEMA},
 * the value of the dead-letter topic, key = the receiver). Same rules as the other events (see
 * {@link EventCodec}): snake_case, every field written, unknown fields ignored when read.
 */
public final class NotificationCodec {
  /** The {@code schema} value of a sent record. */
  public static final String SENT_SCHEMA = "pypiwatch.notification-sent/1";
  /** The {@code schema} value of a dead letter. */
  public static final String DLQ_SCHEMA = "pypiwatch.notification-dlq/1";

  private static final ObjectMapper TREE = new ObjectMapper();

  private NotificationCodec() {}

  /** The JSON (UTF-8) of {@code r}. */
  public static byte[] encode(SentRecord r) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(320);
        JsonGenerator g = EventCodec.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", SENT_SCHEMA);
      g.writeStringField("receiver", r.receiver());
      g.writeStringField("subject", r.subject());
      g.writeStringField("what", r.what());
      g.writeStringField("date", r.date().toString());
      g.writeStringField("notification_id", r.notificationId());
      g.writeStringField("kind", wire(r.kind()));
      g.writeStringField("outcome", r.outcome().wire());
      g.writeStringField("at", r.at().toString());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode sent record " + r.key(), e);
    }
  }

  /**
   * The sent record in {@code json}.
   *
   * @throws EventDecodingException naming the field and the problem
   */
  public static SentRecord decodeSent(byte[] json) {
    JsonFields f = EventCodec.parse(json);
    f.requireSchema(SENT_SCHEMA);
    return new SentRecord(
        f.string("receiver"),
        f.string("subject"),
        f.string("what"),
        f.date("date"),
        f.string("notification_id"),
        f.wire("kind", NotificationCodec::kind, "'alerts', 'reminder' or 'digest'"),
        f.instant("at"),
        f.wire("outcome", SentRecord.Outcome::fromWire, "'sent' or 'dead-lettered'"));
  }

  /**
   * The JSON (UTF-8) of dead letter {@code n}: what it carried (its alerts as in the alerts topic,
   * the digest as a count), the last attempt's error, how many attempts were made and when it was
   * given up on.
   */
  public static byte[] encodeDeadLetter(Notification n, String error, int attempts, Instant at) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(1024);
        JsonGenerator g = EventCodec.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", DLQ_SCHEMA);
      g.writeStringField("receiver", n.receiver());
      g.writeStringField("notification_id", n.id());
      g.writeStringField("kind", wire(n.kind()));
      g.writeStringField("date", n.date().toString());
      g.writeArrayFieldStart("alerts");
      for (Alert a : n.alerts()) {
        g.writeRawValue(new String(AlertCodec.encode(a), StandardCharsets.UTF_8));
      }
      g.writeEndArray();
      g.writeNumberField("digest_lines", n.digest().size());
      g.writeStringField("error", error);
      g.writeNumberField("attempts", attempts);
      g.writeStringField("time", at.toString());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode dead letter " + n.id(), e);
    }
  }

  /**
   * The dead letter in {@code json}.
   *
   * @throws EventDecodingException naming the field and the problem
   */
  public static DeadLetter decodeDeadLetter(byte[] json) {
    JsonFields f = EventCodec.parse(json);
    f.requireSchema(DLQ_SCHEMA);
    List<Alert> alerts = new ArrayList<>();
    JsonNode array;
    try {
      array = TREE.readTree(json).get("alerts");
    } catch (IOException e) {
      throw new EventDecodingException("alerts", "not JSON", e);
    }
    if (array == null || !array.isArray()) {
      throw new EventDecodingException("alerts", "missing or not an array", null);
    }
    for (JsonNode a : array) {
      alerts.add(AlertCodec.decode(a.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return new DeadLetter(
        f.string("receiver"),
        f.string("notification_id"),
        f.wire("kind", NotificationCodec::kind, "'alerts', 'reminder' or 'digest'"),
        f.date("date"),
        alerts,
        (int) f.requiredLong("digest_lines"),
        f.string("error"),
        (int) f.requiredLong("attempts"),
        f.instant("time"));
  }

  /** The spelling of {@code kind} on the wire: {@code alerts}, {@code reminder}, {@code digest}. */
  public static String wire(Notification.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static Notification.Kind kind(String wire) {
    for (Notification.Kind k : Notification.Kind.values()) {
      if (wire(k).equals(wire)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown kind: " + wire);
  }
}

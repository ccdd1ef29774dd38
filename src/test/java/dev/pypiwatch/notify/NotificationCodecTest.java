package dev.pypiwatch.notify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertCodecTest;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.EventDecodingException;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.kafka.CloudEventHeaders;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

public class NotificationCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate DAY = LocalDate.parse("2026-04-03");
  private static final String ID = "7d3c5a4e-2b8f-5a61-9c0d-1e2f3a4b5c6d";
  public static final SentRecord SENT = new SentRecord("ops", "spike:pip:overall:without_mirrors", "firing", DAY, ID,
      Notification.Kind.ALERTS, Instant.parse("2026-04-03T03:00:31.120Z"), SentRecord.Outcome.SENT);
  public static final SentRecord DIGEST_DEAD = new SentRecord("chat", SentRecord.ALL, SentRecord.DIGEST, DAY, ID,
      Notification.Kind.DIGEST, Instant.parse("2026-04-03T08:00:00Z"), SentRecord.Outcome.DEAD_LETTERED);

  public static Notification notification() {
    Alert resolved = new Alert("drop:numpy:overall:without_mirrors", "numpy", "drop", "overall", "without_mirrors",
        DAY, AlertState.RESOLVED, Severity.CRITICAL, 10, Double.NaN, 3, "numpy back", Alert.linkOf("numpy"));
    return new Notification(ID, "ops", Notification.Kind.ALERTS, DAY, List.of(AlertCodecTest.PIP_SPIKE, resolved),
        Map.of(), List.of());
  }

  @Test
  void sentRecordsEncodeExactlyAndRoundTrip() {
    assertEquals("{\"schema\":\"pypiwatch.notification-sent/1\",\"receiver\":\"ops\","
        + "\"subject\":\"spike:pip:overall:without_mirrors\",\"what\":\"firing\",\"date\":\"2026-04-03\","
        + "\"notification_id\":\"" + ID + "\",\"kind\":\"alerts\",\"outcome\":\"sent\","
        + "\"at\":\"2026-04-03T03:00:31.120Z\"}", new String(NotificationCodec.encode(SENT), UTF_8));
    assertEquals(SENT, NotificationCodec.decodeSent(NotificationCodec.encode(SENT)));
    assertEquals(DIGEST_DEAD, NotificationCodec.decodeSent(NotificationCodec.encode(DIGEST_DEAD)));
    assertEquals("chat|*|digest|2026-04-03", DIGEST_DEAD.key());
  }

  @Test
  void badSentRecordsNameTheField() {
    String json = new String(NotificationCodec.encode(SENT), UTF_8);
    EventDecodingException e = assertThrows(EventDecodingException.class,
        () -> NotificationCodec.decodeSent(json.replace("\"sent\"", "\"lost\"").getBytes(UTF_8)));
    assertEquals("outcome", e.field());
    assertEquals("kind", assertThrows(EventDecodingException.class,
        () -> NotificationCodec.decodeSent(json.replace("\"alerts\"", "\"email\"").getBytes(UTF_8))).field());
    assertEquals("schema", assertThrows(EventDecodingException.class,
        () -> NotificationCodec.decodeSent(AlertCodec.encode(AlertCodecTest.PIP_SPIKE))).field());
  }

  @Test
  void aDeadLetterCarriesTheAlertsAsOnTheAlertsTopic() throws IOException {
    Notification n = notification();
    JsonNode doc = JSON.readTree(NotificationCodec.encodeDeadLetter(n, "webhook ops: HTTP 404", 1,
        Instant.parse("2026-04-03T03:00:31Z")));
    assertEquals("ops", doc.get("receiver").asText());
    assertEquals(ID, doc.get("notification_id").asText());
    assertEquals("alerts", doc.get("kind").asText());
    assertEquals("webhook ops: HTTP 404", doc.get("error").asText());
    assertEquals(1, doc.get("attempts").asInt());
    assertEquals("2026-04-03T03:00:31Z", doc.get("time").asText());
    assertEquals(n.alerts(), List.of(AlertCodec.decode(JSON.writeValueAsBytes(doc.get("alerts").get(0))),
        AlertCodec.decode(JSON.writeValueAsBytes(doc.get("alerts").get(1)))));
    Notification digest = new Notification(ID, "ops", Notification.Kind.DIGEST, DAY, List.of(), Map.of(),
        List.of(new DigestLine("pip", 1, 7, 0.1, 0)));
    JsonNode d = JSON.readTree(NotificationCodec.encodeDeadLetter(digest, "e", 6, Instant.EPOCH));
    assertEquals(0, d.get("alerts").size());
    assertEquals(1, d.get("digest_lines").asInt());
  }

  @Test
  void aDeadLetterDecodesToWhatWasGivenUpOnAndCanBeSentAgainWithItsId() {
    Notification n = notification();
    Instant at = Instant.parse("2026-04-03T03:00:31Z");
    DeadLetter d = NotificationCodec.decodeDeadLetter(NotificationCodec.encodeDeadLetter(n, "webhook ops: HTTP 503",
        6, at));
    assertEquals(new DeadLetter("ops", ID, Notification.Kind.ALERTS, n.date(), n.alerts(), 0, "webhook ops: HTTP 503",
        6, at), d);
    assertTrue(d.replayable());
    Notification again = d.notification();
    assertEquals(List.of(n.id(), n.receiver(), n.kind(), n.date(), n.alerts()),
        List.of(again.id(), again.receiver(), again.kind(), again.date(), again.alerts()));
    Notification digest = new Notification(ID, "ops", Notification.Kind.DIGEST, DAY, List.of(), Map.of(),
        List.of(new DigestLine("pip", 1, 7, 0.1, 0)));
    DeadLetter lost = NotificationCodec.decodeDeadLetter(NotificationCodec.encodeDeadLetter(digest, "e", 6, at));
    assertEquals(1, lost.digestLines());
    assertTrue(!lost.replayable(), "a digest's lines are not kept");
  }

  @Test
  void badDeadLettersNameTheField() {
    byte[] sent = NotificationCodec.encode(new SentRecord("ops", "fp", "firing", DAY, ID, Notification.Kind.ALERTS,
        Instant.EPOCH, SentRecord.Outcome.SENT));
    EventDecodingException e = assertThrows(EventDecodingException.class, () -> NotificationCodec.decodeDeadLetter(sent));
    assertTrue(e.getMessage().contains("schema"), e.getMessage());
    String noAlerts = new String(NotificationCodec.encodeDeadLetter(notification(), "e", 1, Instant.EPOCH),
        UTF_8).replaceFirst("\"alerts\":\\[.*\\],\"digest_lines\"",
        "\"digest_lines\"");
    e = assertThrows(EventDecodingException.class,
        () -> NotificationCodec.decodeDeadLetter(noAlerts.getBytes(UTF_8)));
    assertTrue(e.getMessage().contains("alerts"), e.getMessage());
  }

  @Test
  void deadLetterHeadersAreCloudEvents() {
    Headers h = CloudEventHeaders.forDeadLetter(ID, "ops", Instant.parse("2026-04-03T03:00:31Z"));
    assertEquals(ID, CloudEventHeaders.text(h, CloudEventHeaders.ID));
    assertEquals(CloudEventHeaders.DEAD_LETTER_TYPE, CloudEventHeaders.text(h, CloudEventHeaders.TYPE));
    assertEquals(CloudEventHeaders.NOTIFIER_SOURCE, CloudEventHeaders.text(h, CloudEventHeaders.SOURCE));
    assertEquals("ops", CloudEventHeaders.text(h, CloudEventHeaders.SUBJECT));
    assertEquals("2026-04-03T03:00:31Z", CloudEventHeaders.text(h, CloudEventHeaders.TIME));
  }
}

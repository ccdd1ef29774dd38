package dev.pypiwatch.notify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generic webhook channel against a real local HTTP server. */
@ExtendWith(VertxExtension.class)
class WebhookNotifierTest {
  private static final String PATH = "/hooks/T0p-S3cret-Path";
  /** A credential in the query, as some receivers want it. */
  private static final String TOKEN = "t0kenInTheQuery99";
  private static final byte[] KEY = "k3y-for-hmac".getBytes(UTF_8);
  private static final Instant NOW = Instant.parse("2026-04-03T06:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Alert> ALERTS =
      List.of(SlackMessageTest.PIP_SPIKE, SlackMessageTest.NUMPY_RESOLVED);
  private static final Notification N = new Notification("alerts/team/2026-04-03/1", "team",
      Notification.Kind.ALERTS, SlackMessageTest.DAY, ALERTS, Map.of(), List.of());

  private Vertx vertx;
  private FakeReceiver receiver;
  private final List<WebhookNotifier> notifiers = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    receiver = FakeReceiver.startBlocking(vertx).answer(FakeResponse.status(204, ""));
  }

  @AfterEach
  void stop() {
    notifiers.forEach(WebhookNotifier::close);
    Await.result(receiver.stop());
  }

  private WebhookNotifier notifier(String key, Map<String, Secret> headers, Duration timeout) {
    NotifyConfig.Webhook config = new NotifyConfig.Webhook(
        Secret.of(receiver.url(PATH + "?token=" + TOKEN)), Secret.of(key), headers);
    WebhookNotifier n = new WebhookNotifier(vertx, config, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
    notifiers.add(n);
    return n;
  }

  private WebhookNotifier notifier() {
    return notifier(new String(KEY, UTF_8), Map.of(), WebhookNotifier.DEFAULT_TIMEOUT);
  }

  private DeliveryException failure(WebhookNotifier notifier) {
    DeliveryException e = assertInstanceOf(DeliveryException.class, Await.failure(notifier.deliver(N)));
    SlackNotifierTest.assertKeepsSecret(e, TOKEN);
    SlackNotifierTest.assertKeepsSecret(e, receiver.url(PATH));
    assertTrue(e.getMessage().startsWith("webhook receiver 'team': "), e.getMessage());
    return e;
  }

  @Test
  void postsTheNotificationWithTheAlertEventsJson() throws IOException {
    Await.result(notifier().deliver(N));
    FakeReceiver.Request r = receiver.awaitRequests(1).get(0);
    assertEquals("POST", r.method());
    assertEquals(PATH, r.path());
    assertEquals("token=" + TOKEN, r.query());
    assertEquals("application/json", r.header("Content-Type"));
    JsonNode body = JSON.readTree(r.body());
    assertEquals("pypiwatch.notification/1", body.get("schema").asText());
    assertEquals(N.id(), body.get("id").asText());
    assertEquals("team", body.get("receiver").asText());
    assertEquals("alerts", body.get("kind").asText());
    assertEquals("2026-04-03", body.get("date").asText());
    assertEquals(2, body.get("alerts").size());
    for (int i = 0; i < ALERTS.size(); i++) {
      JsonNode alert = body.get("alerts").get(i);
      assertEquals(JSON.readTree(AlertCodec.encode(ALERTS.get(i))), alert, "the alert event's JSON");
      assertEquals(ALERTS.get(i), AlertCodec.decode(JSON.writeValueAsBytes(alert)));
    }
    assertEquals(0, body.get("digest").size());
  }

  @Test
  void theSignatureVerifiesForTheExactBodyOnly() {
    Await.result(notifier().deliver(N));
    FakeReceiver.Request r = receiver.awaitRequests(1).get(0);
    String timestamp = r.header("X-Pypiwatch-Timestamp");
    String signature = r.header("X-Pypiwatch-Signature");
    assertEquals(Long.toString(NOW.getEpochSecond()), timestamp);
    assertTrue(signature.matches("sha256=[0-9a-f]{64}"), signature);
    assertTrue(Signatures.verify(KEY, timestamp, r.body(), signature));

    byte[] modified = r.body();
    int digit = new String(modified, UTF_8).indexOf("3412000");
    modified[digit] = '9';
    assertFalse(Signatures.verify(KEY, timestamp, modified, signature), "a modified body");
    assertFalse(Signatures.verify(KEY, timestamp, Arrays.copyOf(r.body(), r.body().length + 1),
        signature), "a byte more");
    assertFalse(Signatures.verify(KEY, "1775196001", r.body(), signature), "another timestamp");
    assertFalse(Signatures.verify("k3y-for-hmaC".getBytes(UTF_8), timestamp, r.body(), signature),
        "another key");
  }

  @Test
  void idempotencyKeyAndExtraHeadersOnEveryAttempt() {
    receiver.script(FakeResponse.status(503, "busy"));
    WebhookNotifier notifier = notifier(new String(KEY, UTF_8),
        Map.of("Authorization", Secret.of("Bearer abc"), "X-Team", Secret.of("platform")),
        WebhookNotifier.DEFAULT_TIMEOUT);
    assertTrue(failure(notifier).retryable());
    Await.result(notifier.deliver(N));
    List<FakeReceiver.Request> requests = receiver.awaitRequests(2);
    for (FakeReceiver.Request r : requests) {
      assertEquals(N.id(), r.header("Idempotency-Key"));
      assertEquals("Bearer abc", r.header("Authorization"));
      assertEquals("platform", r.header("X-Team"));
      assertTrue(r.header("User-Agent").startsWith("pypiwatch/"), r.header("User-Agent"));
    }
    assertTrue(Arrays.equals(requests.get(0).body(), requests.get(1).body()), "the same body");
  }

  @Test
  void withoutAKeyNothingIsSignedAndOurHeadersCannotBeOverridden() {
    WebhookNotifier notifier = notifier("", Map.of("Idempotency-Key", Secret.of("mine"),
        "X-Pypiwatch-Signature", Secret.of("sha256=forged"), "Content-Type", Secret.of("text/plain")),
        WebhookNotifier.DEFAULT_TIMEOUT);
    Await.result(notifier.deliver(N));
    FakeReceiver.Request r = receiver.awaitRequests(1).get(0);
    assertNull(r.header("X-Pypiwatch-Signature"));
    assertEquals(N.id(), r.header("Idempotency-Key"));
    assertEquals("application/json", r.header("Content-Type"));
    assertEquals(Long.toString(NOW.getEpochSecond()), r.header("X-Pypiwatch-Timestamp"));
  }

  @Test
  void digestLinesWithUnknownsAreNull() throws IOException {
    Notification digest = new Notification("digest/team/2026-04-03", "team",
        Notification.Kind.DIGEST, SlackMessageTest.DAY, List.of(), Map.of(),
        List.of(new DigestLine("pip", 3412000, 21000000, 0.042, 2),
            new DigestLine("llm", -1, 5000, Double.NaN, 0)));
    JsonNode body = JSON.readTree(WebhookPayload.encode(digest));
    assertEquals("digest", body.get("kind").asText());
    assertEquals(0, body.get("alerts").size());
    assertEquals(JSON.readTree("[{\"package\":\"pip\",\"last_day\":3412000,\"last_week\":21000000,"
        + "\"week_change\":0.042,\"firing\":2},{\"package\":\"llm\",\"last_day\":null,"
        + "\"last_week\":5000,\"week_change\":null,\"firing\":0}]"), body.get("digest"));
  }

  @ParameterizedTest
  @CsvSource({
    "408, true", "429, true", "500, true", "502, true", "503, true",
    "400, false", "401, false", "403, false", "404, false", "410, false", "422, false",
    "301, false"})
  void classifiesStatuses(int status, boolean retryable) {
    receiver.script(FakeResponse.status(status, "status " + status));
    DeliveryException e = failure(notifier());
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("webhook receiver 'team': HTTP " + status
        + " from localhost: status " + status), e.getMessage());
  }

  @Test
  void retryAfterInSecondsOrAsADateIsHonoured() {
    receiver.script(FakeResponse.status(503, "maintenance").withHeader("Retry-After", "7"));
    assertEquals(Optional.of(Duration.ofSeconds(7)), failure(notifier()).retryAfter());
    String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(2));
    receiver.script(FakeResponse.status(429, "slow down").withHeader("Retry-After", inTwoMinutes));
    Duration wait = failure(notifier()).retryAfter().orElseThrow();
    assertTrue(wait.compareTo(Duration.ofSeconds(100)) > 0 && wait.compareTo(Duration.ofSeconds(121)) < 0,
        wait.toString());
  }

  @Test
  void anErrorPageQuotingTheUrlIsMasked() {
    receiver.script(FakeResponse.status(404, "no route for POST " + PATH + "?token=" + TOKEN));
    assertEquals("webhook receiver 'team': HTTP 404 from localhost: no route for POST ****"
        + " (not retryable)", failure(notifier()).getMessage());
  }

  @Test
  void noAnswerInTimeIsRetryable() {
    Await.result(notifier().deliver(N)); // warm up both sides, so that only the wait counts
    receiver.script(FakeResponse.status(204, "").withDelay(Duration.ofSeconds(60)));
    long start = System.nanoTime();
    DeliveryException e = failure(notifier(new String(KEY, UTF_8), Map.of(), Duration.ofMillis(500)));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "gave up in time, not at the 60 s answer");
    assertTrue(e.retryable());
    assertEquals("webhook receiver 'team': no answer from localhost within 500 ms", e.getMessage());
  }

  @Test
  void connectionRefusedIsRetryable() {
    WebhookNotifier notifier = notifier();
    Await.result(receiver.stop());
    DeliveryException e = failure(notifier);
    assertTrue(e.retryable());
    assertTrue(e.getMessage().startsWith("webhook receiver 'team': cannot reach localhost: "),
        e.getMessage());
    receiver = FakeReceiver.startBlocking(vertx); // for stop()
  }
}

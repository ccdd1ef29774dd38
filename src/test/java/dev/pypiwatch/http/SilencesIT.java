package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.http.OpenApiContract.Answer;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.notify.NotifierFixtures;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silences through the whole service: created over HTTP with the bearer token, stored in the
 * silences topic, obeyed by the notifier (a webhook receiver, a real HTTP server, does not get what
 * they hold back, and gets the rest), the held-back alert sent at once when the silence is expired,
 * and everything still there, and obeyed, after a restart.
 */
class SilencesIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String TOKEN = "it-api-token";
  private static final OpenApiContract CONTRACT = new OpenApiContract();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private AppConfig config;
  private Service service;
  private FakeReceiver webhook;
  private String base;
  private int markers;
  // One clock for both runs: time goes on across the restart, as it does for a real one.
  private final SimulatedDayClock clock = new SimulatedDayClock(TODAY);

  @Test
  void aSilenceCreatedThroughTheApiHoldsBackItsAlertUntilItIsExpiredAndSurvivesARestart() throws Exception {
    SimulatedUpstream sim = new SimulatedUpstream(3).addPackage("quiet-pkg", Profile.busy(3_000)).setToday(TODAY);
    SimulatorServer upstream = Await.result(SimulatorServer.start(kafka.vertx(), sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    webhook = FakeReceiver.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(webhook.stop()));
    config = config(upstream.baseUrl());
    start();

    // Without the token nothing is created; with it, the silence is stored and answered.
    String noToken = "{\"match\": {\"packages\": [\"silenced-*\"]}, \"ends-at\": \"2026-05-01T00:00:00Z\"}";
    assertEquals(401, call("POST", "/api/v1/silences", noToken, false).status());
    Answer created = call("POST", "/api/v1/silences", """
        {"match": {"packages": ["silenced-*"], "states": ["firing"]}, "ends-at": "2026-05-01T00:00:00Z",
         "comment": "release week", "created-by": "it"}""", true);
    assertEquals(201, created.status(), created.raw());
    String id = created.body().get("id").asText();

    // At once (the broker acknowledged the silence before these are published): held back, the other sent.
    Alert silenced = firing("silenced-pkg");
    publish(silenced);
    publish(firing("loud-pkg"));
    Await.until(() -> delivered("loud-pkg").size() == 1, WAIT, this::received);
    awaitNotifierHandledEverything();
    assertEquals(List.of(), delivered("silenced-pkg"), "held back by the silence");

    // Expired through the API: the held-back alert still fires, so it is sent at once (the repeat interval is 7 days).
    Answer expired = call("DELETE", "/api/v1/silences/" + id, null, true);
    assertEquals(200, expired.status(), expired.raw());
    assertEquals("expired", expired.body().get("status").asText());
    Await.until(() -> delivered("silenced-pkg").size() == 1, Duration.ofSeconds(30), this::received);

    // A second silence, then a restart: both are still there and the new one is obeyed by the fresh process.
    Answer second = call("POST", "/api/v1/silences", """
        {"match": {"packages": ["later-pkg"]}, "ends-at": "2026-05-01T00:00:00Z"}""", true);
    assertEquals(201, second.status(), second.raw());
    awaitNotifierHandledEverything();
    service.close();
    start();
    Await.until(() -> call("GET", "/api/v1/silences", null, false).body().get("silences").size() == 2, WAIT,
        () -> call("GET", "/api/v1/silences", null, false).raw());
    Map<String, String> status = new java.util.HashMap<>();
    call("GET", "/api/v1/silences", null, false).body().get("silences")
        .forEach(s -> status.put(s.get("id").asText(), s.get("status").asText()));
    assertEquals(Map.of(id, "expired", second.body().get("id").asText(), "active"), status);

    publish(firing("later-pkg"));
    publish(firing("loud-again"));
    Await.until(() -> delivered("loud-again").size() == 1, WAIT, this::received);
    awaitNotifierHandledEverything();
    assertEquals(List.of(), delivered("later-pkg"), "obeyed after the restart");
    assertEquals(1, delivered("silenced-pkg").size(), "sent once: not again after the restart");
    assertEquals(1, delivered("loud-pkg").size());

    // A resolution goes exactly where the firing went: loud-pkg's to the webhook, later-pkg's (held back) nowhere.
    publish(resolved("loud-pkg"));
    publish(resolved("later-pkg"));
    Await.until(() -> delivered("loud-pkg").size() == 2, WAIT, this::received);
    awaitNotifierHandledEverything();
    assertEquals(List.of(), delivered("later-pkg"));

    // Until resolved: it holds back what it matches until loud-again resolves, then what it held back goes out.
    Alert loudAgain = firing("loud-again");
    Await.until(() -> call("GET", "/api/v1/alerts?state=firing&package=loud-again", null, false).body()
        .get("alerts").size() == 1, WAIT);
    Answer until = call("POST", "/api/v1/silences", """
        {"match": {"packages": ["loud-again", "other-*"]}, "until-resolved": "%s"}""".formatted(loudAgain.fingerprint()),
        true);
    assertEquals(201, until.status(), until.raw());
    publish(firing("other-pkg"));
    awaitNotifierHandledEverything();
    assertEquals(List.of(), delivered("other-pkg"));
    publish(resolved("loud-again"));
    Await.until(() -> delivered("other-pkg").size() == 1, WAIT, this::received);
    // Its firing was sent: so is its resolution (after the group-wait; what the silence held back went at once).
    Await.until(() -> delivered("loud-again").equals(List.of("firing", "resolved")), WAIT, this::received);
    String untilId = until.body().get("id").asText();
    Await.until(() -> call("GET", "/api/v1/silences/" + untilId, null, false).body().get("status").asText()
        .equals("expired"), WAIT, () -> call("GET", "/api/v1/silences/" + untilId, null, false).raw());

    // What the API and the notifier wrote is valid against the schemas (KafkaTesting checks each record it
    // reads): three silences created, two expired (through the API, and by the resolution), the sent records.
    KafkaClients clients = new KafkaClients(config.kafka(), kafka.bootstrapServers());
    assertEquals(5, KafkaTesting.consumeToEnd(clients, config.kafka().topics().silences(), WAIT).size());
    assertFalse(KafkaTesting.consumeToEnd(clients, config.notifications().sentTopic(), WAIT).isEmpty());
  }

  private void start() {
    service = kafka.startService(config, clock);
    kafka.closeAfterEach(() -> service.close());
    base = "http://127.0.0.1:" + service.statusPort();
  }

  private Answer call(String method, String path, String body, boolean token) {
    Answer a = token ? OpenApiContract.call(method, base + path, body, "Authorization", "Bearer " + TOKEN)
        : OpenApiContract.call(method, base + path, body);
    String template = path.startsWith("/api/v1/silences/") ? "/api/v1/silences/{id}" : path.replaceAll("\\?.*", "");
    CONTRACT.assertDocumented(method, template, a);
    return a;
  }

  private static Alert firing(String pkg) {
    return NotifierFixtures.alert(pkg, AlertState.FIRING, Severity.WARNING, TODAY.minusDays(1));
  }

  private static Alert resolved(String pkg) {
    return NotifierFixtures.alert(pkg, AlertState.RESOLVED, Severity.WARNING, TODAY);
  }

  private RecordMetadata publish(Alert a) throws Exception {
    try (KafkaProducer<String, byte[]> p = new KafkaClients(config.kafka(), kafka.bootstrapServers()).newProducer(null)) {
      return p.send(new ProducerRecord<>(config.kafka().topics().alerts(), null, a.fingerprint(), AlertCodec.encode(a),
          CloudEventHeaders.forAlert(a))).get();
    }
  }

  /** The webhook's alerts of {@code pkg}, as "state" per delivery. */
  private List<String> delivered(String pkg) {
    List<String> out = new ArrayList<>();
    for (FakeReceiver.Request r : webhook.requests()) {
      try {
        for (JsonNode a : OpenApiContract.JSON.readTree(r.body()).get("alerts")) {
          if (a.get("package").asText().equals(pkg)) {
            out.add(a.get("state").asText());
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out;
  }

  private String received() {
    return webhook.requests().stream().map(FakeReceiver.Request::bodyText).toList().toString();
  }

  /**
   * Waits until the notifier committed past a marker published now: a resolution of an alert no
   * receiver heard of, which it finishes at once. Everything published before it was decided on (sent,
   * held back or skipped) by then.
   */
  private void awaitNotifierHandledEverything() throws Exception {
    RecordMetadata marker = publish(NotifierFixtures.resolved("it-marker-" + markers++));
    String alerts = config.kafka().topics().alerts();
    TopicPartition tp = new TopicPartition(alerts, marker.partition());
    Await.until(() -> KafkaTesting.committedOffsets(kafka.admin(), config.notifications().groupId(), alerts)
        .getOrDefault(tp, 0L) > marker.offset(), WAIT, () -> "the notifier did not commit past the marker " + marker);
  }

  private AppConfig config(String upstream) throws Exception {
    String p = "sil" + System.nanoTime() % 100_000;
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s.downloads, recent: %s.recent, poller-state: %s.state, alerts: %s.alerts,
                   silences: %s.silences, partitions: 2}
        poller: {freshness-deadline: 5s, transactional-id: %s-poller}
        http: {port: 0, api-token: "${PYPIWATCH_API_TOKEN}"}
        rule-engine: {enabled: false}
        notify:
          group-wait: 1s
          group-id: %s-notifier
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: bot
              webhook: {url: "%s"}
          default-receivers: [bot]
        watchlist: [quiet-pkg]
        """.formatted(upstream, kafka.bootstrapServers(), p, p, p, p, p, p, p, p, p, webhook.url("/hook")));
    return ConfigLoader.load(file, Map.of("PYPIWATCH_API_TOKEN", TOKEN));
  }
}

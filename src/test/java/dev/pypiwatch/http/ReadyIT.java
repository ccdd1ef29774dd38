package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.TestClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} of the running service waits for the rule stage: 503 naming it while it owns no
 * partition (another member holds the group), 200 only once it owns them and has consumed the
 * history that was on the topic when it got them.
 */
class ReadyIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final int PARTITIONS = 3;

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readyWaitsUntilTheRuleStageOwnsItsPartitionsAndHasReadTheHistory() throws Exception {
    FakePypiStats fake = FakePypiStats.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(fake.stop()));
    fake.serve(new SimulatedUpstream(7).addPackage("busy-pkg", Profile.busy(20_000)).setToday(TODAY));
    TopicsConfig topics = KafkaTesting.uniqueTopics("ready", PARTITIONS);
    TopicAdmin.ensureTopics(kafka.admin(), topics);
    String group = topics.downloads() + "-rules";
    AppConfig config = config(fake.baseUrl(), topics, group);
    KafkaClients clients = new KafkaClients(config.kafka(), kafka.bootstrapServers());

    // Another member owns every partition and, not polling, holds the next rebalance open.
    KafkaConsumer<String, byte[]> holder = kafka.closeAfterEach(new KafkaConsumer<>(
        props(clients.consumerProperties(group))));
    holder.subscribe(List.of(topics.downloads()));
    Await.until(() -> {
      holder.poll(Duration.ofMillis(100));
      return holder.assignment().size() == PARTITIONS;
    });

    Service service = kafka.startService(config, TestClock.morningOf(TODAY));
    Await.result(service.poller().idle()); // the history is on the topic; the poller waits for nothing
    String rules = "rules: 0 of " + PARTITIONS + " partitions assigned (joining group " + group + ")";
    JsonObject waiting = awaitReady(service, body -> body.getJsonArray("waiting").equals(new JsonArray().add(rules)));
    assertFalse(waiting.getBoolean("ready"));
    assertEquals("DOWN", waiting.getString("status"));
    assertEquals(0, service.ruleMetrics().assignedPartitions());
    assertEquals(503, get(service).statusCode()); // still: nothing moves while the group is held
    int history = KafkaTesting.consumeToEnd(clients, topics.downloads(), KafkaFixture.WAIT).size();
    assertTrue(history > 100, "history on the topic: " + history);

    holder.close(); // leaves the group: the rule stage gets the partitions
    JsonObject ready = awaitReady(service, body -> body.getBoolean("ready"));
    assertEquals("UP", ready.getString("status"));
    assertEquals(new JsonArray(), ready.getJsonArray("waiting"));
    assertEquals(PARTITIONS, service.ruleMetrics().assignedPartitions());
    // Ready means current: every record that was there at the assignment went through the engine.
    assertTrue(service.ruleMetrics().recordsConsumed() >= history,
        "consumed " + service.ruleMetrics().recordsConsumed() + " of " + history);
  }

  /** Polls {@code /ready} until its body satisfies {@code until}; the status must agree with "ready". */
  private JsonObject awaitReady(Service service, java.util.function.Predicate<JsonObject> until) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    Await.until(() -> {
      HttpResponse<String> r = get(service);
      JsonObject body = new JsonObject(r.body());
      assertEquals(body.getBoolean("ready") ? 200 : 503, r.statusCode(), r.body());
      last.set(body);
      return until.test(body);
    }, KafkaFixture.WAIT, () -> "last /ready: " + last.get());
    return last.get();
  }

  private HttpResponse<String> get(Service service) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.statusPort() + "/ready"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET /ready failed", e);
    }
  }

  private static java.util.Properties props(java.util.Properties p) {
    p.remove("group.instance.id"); // a dynamic member: closing it leaves the group
    return p;
  }

  private AppConfig config(String api, TopicsConfig t, String group) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api:
          base-url: %s
          min-interval: 0s
          pypi-json-enabled: false
        kafka:
          bootstrap-servers: "%s"
          topics:
            downloads: %s
            recent: %s
            poller-state: %s
            alerts: %s
            silences: %s
            partitions: %d
        poller:
          transactional-id: %s-poller
        http:
          port: 0
        rule-engine:
          group-id: %s
          transactional-id-prefix: %s
        watchlist: [busy-pkg]
        """.formatted(api, kafka.bootstrapServers(), t.downloads(), t.recent(), t.pollerState(), t.alerts(),
            t.silences(), PARTITIONS, t.downloads(), group, group));
    return ConfigLoader.load(file, Map.of());
  }
}

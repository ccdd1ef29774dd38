package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.BrokerProcess;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;

import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (a separate JVM) is killed with {@code kill -9} while a notification is in flight and
 * while the next day's poll publishes, and comes back on the same port and data directory seconds
 * later. The service, never restarted, goes on: every download committed once, every alert once,
 * every notification delivered once (by Idempotency-Key), {@code /health} up throughout.
 */
class BrokerRestartIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Duration WAIT = Duration.ofSeconds(120);
  /**
   * How long the broker stays down at least: longer than the read model's 30 s reads (their
   * time-out once stopped its feed for good) and than the clients' request time-outs.
   */
  private static final Duration DOWN = Duration.ofSeconds(31);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "busy-pkg";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void theServiceRidesOutABrokerKilledMidCycleWithNothingLostOrSentTwice() throws Exception {
    BrokerProcess broker = kafka.closeAfterEach(BrokerProcess.start(dir.resolve("broker"), dir.resolve("logs")));
    SimulatedUpstream sim = new SimulatedUpstream(11).addPackage(PKG, Profile.busy(20_000)).setToday(TODAY);
    long usual = sim.count(PKG, Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(1));
    sim.revise(PKG, TODAY.minusDays(1), (int) (5 * usual)); // a x6 day: a spike to notify
    FakePypiStats upstream = FakePypiStats.startBlocking(kafka.vertx()).serve(sim);
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    // The first notification is answered slowly: it is in flight when the broker dies.
    FakeReceiver webhook = FakeReceiver.startBlocking(kafka.vertx())
        .script(FakeResponse.status(200, "ok").withDelay(Duration.ofSeconds(4)));
    kafka.closeAfterEach(() -> Await.result(webhook.stop()));
    AppConfig config = config(broker.bootstrapServers(), upstream.baseUrl(), webhook.url("/hook"));
    SimulatedDayClock clock = new SimulatedDayClock(TODAY);
    Service service = kafka.startService(config, clock);
    KafkaClients clients = new KafkaClients(config.kafka(), broker.bootstrapServers());
    URI health = URI.create("http://127.0.0.1:" + service.statusPort() + "/health");

    webhook.awaitRequests(1);
    broker.kill();
    long killed = System.nanoTime();
    // The next day arrives while the broker is down: the poll fetches it and cannot publish.
    sim.setToday(TODAY.plusDays(1));
    clock.setDay(TODAY.plusDays(1));
    int asked = upstream.requests().size();
    Future<Void> poll = service.poller().pollNow();
    Await.until(() -> upstream.requests().size() > asked, WAIT); // fetched: its publish is blocked or about to be
    long fetched = System.nanoTime();
    assertEquals(200, status(health), "/health while the broker is down");
    System.out.printf("broker restart: fetched %d ms after the kill, /health answered after %d ms%n",
        (fetched - killed) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);
    // /health answers all along (each check waits at most 10 s for it).
    List<String> checks = new java.util.ArrayList<>();
    Await.until(() -> {
      long t = System.nanoTime();
      int code = status(health);
      checks.add(code + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
      assertEquals(200, code, "/health while the broker is down: " + checks);
      return System.nanoTime() - killed > DOWN.toNanos();
    }, WAIT);
    broker.restart();
    long downMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();

    Await.result(poll, WAIT);
    Await.until(() -> downloads(clients, config).latest().keySet().stream()
        .anyMatch(k -> k.date().equals(TODAY) && k.pkg().equals(PKG)), WAIT, () -> "no download of " + TODAY);
    Await.result(service.poller().idle(), WAIT);
    KafkaTesting.awaitSettled(clients, config.kafka().topics().downloads(), WAIT);
    KafkaTesting.awaitCommittedToEnd(clients, config.ruleEngine().groupId(), config.kafka().topics().downloads(), WAIT);
    KafkaTesting.awaitCommittedToEnd(clients, config.notifications().groupId(), config.kafka().topics().alerts(), WAIT);
    long recoveredMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();

    PublishedDownloads seen = downloads(clients, config);
    seen.assertNoDuplicateFacts();
    seen.assertMatchesUpstream(sim, PKG);
    List<Alert> alerts = KafkaTesting.consumeToEnd(clients, config.kafka().topics().alerts(), WAIT).stream()
        .map(r -> AlertCodec.decode(r.value())).toList();
    Set<String> transitions = new HashSet<>();
    alerts.forEach(a -> assertTrue(transitions.add(transition(a)), "alert published twice: " + transition(a)));
    assertTrue(transitions.contains("spike:" + PKG + ":overall:without_mirrors|firing|" + TODAY.minusDays(1)),
        "the spike fired: " + transitions);

    // Every notification once by Idempotency-Key, every transition in one notification only.
    Map<String, Integer> byKey = new HashMap<>();
    Set<String> notified = new HashSet<>();
    for (FakeReceiver.Request r : webhook.requests()) {
      byKey.merge(r.header("Idempotency-Key"), 1, Integer::sum);
      for (JsonNode a : JSON.readTree(r.body()).get("alerts")) {
        assertTrue(notified.add(a.get("fingerprint").asText() + '|' + a.get("state").asText() + '|'
            + a.get("date").asText()), "notified twice: " + a);
      }
    }
    byKey.forEach((key, n) -> assertEquals(1, n, "notification " + key + " delivered " + n + " times"));
    Set<String> due = new HashSet<>();
    alerts.stream().filter(a -> !a.isHistory(TODAY.plusDays(1), config.notifications().maxAlertAge()))
        .filter(a -> a.rule().equals("spike")).forEach(a -> due.add(transition(a)));
    assertEquals(due, notified, "every spike transition within max-alert-age was notified");
    assertEquals(200, status(health));
    // The HTTP API's read model caught up too (its feed outlives a broker down longer than its 30 s reads).
    URI packages = URI.create("http://127.0.0.1:" + service.statusPort() + "/api/v1/packages");
    Await.until(() -> body(packages).contains("\"newest_day\":\"" + TODAY + "\""), WAIT, () -> body(packages));
    System.out.println("broker restart: /health checks while down: " + checks);
    System.out.printf("broker restart: down %d ms, caught up %d ms after the kill, %d notification(s), "
        + "publish failures %d%n", downMs, recoveredMs, byKey.size(),
        service.metrics().snapshot().get("pypiwatch_publish_failures_total"));
  }

  private static String transition(Alert a) {
    return a.fingerprint() + '|' + a.state().wire() + '|' + a.date();
  }

  private static PublishedDownloads downloads(KafkaClients clients, AppConfig config) {
    return PublishedDownloads.of(KafkaTesting.consumeToEnd(clients, config.kafka().topics().downloads(), WAIT));
  }

  private static String body(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  private static int status(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private AppConfig config(String bootstrap, String upstream, String hook) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: br.downloads, recent: br.recent, poller-state: br.state, alerts: br.alerts, partitions: 2}
        poller: {freshness-retry: 500ms, freshness-retry-max: 2s, freshness-deadline: 10m, transactional-id: br-poller}
        http: {port: 0}
        rule-engine: {group-id: br-rules, transactional-id-prefix: br-rules}
        notify:
          group-wait: 1s
          retry: {attempts: 30, initial-backoff: 200ms, max-backoff: 2s}
          group-id: br-notifier
          sent-topic: br.sent
          dlq-topic: br.dlq
          receivers:
            - name: bot
              webhook: {url: "%s"}
          routes:
            - match: {rules: [spike]}
              receivers: [bot]
        watchlist: [%s]
        """.formatted(upstream, bootstrap, hook, PKG));
    return ConfigLoader.load(file, Map.of());
  }
}

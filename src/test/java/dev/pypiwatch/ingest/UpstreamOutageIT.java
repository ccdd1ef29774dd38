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
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream is down for five simulated days (503s, then requests that time out) while the
 * service keeps running and polling daily; then it serves the whole 180-day series again. Every day
 * of the outage is filled with the upstream's counts, no drop fires for the missing days, and of
 * the spikes the outage hid, the one within {@code notify.max-alert-age} (3 days) is sent, the one
 * a day older is kept on the alerts topic but not sent.
 */
class UpstreamOutageIT {
  private static final LocalDate START = LocalDate.of(2026, 4, 10);
  private static final int OUTAGE_DAYS = 5;
  /** The first day the upstream answers again. */
  private static final LocalDate BACK = START.plusDays(OUTAGE_DAYS + 1);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SEQ = new AtomicInteger();
  /** Its spike, 4 days before the upstream is back, is older than max-alert-age: history. */
  private static final String OLD = "old-spike-pkg";
  /** Its spike, 3 days before, is within max-alert-age: news. */
  private static final String NEW = "new-spike-pkg";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void aFiveDayOutageIsFilledWithoutFalseDropsAndOnlyRecentSpikesAreSent() throws Exception {
    SimulatedUpstream sim = new SimulatedUpstream(11).addPackage(OLD, Profile.busy(20_000))
        .addPackage(NEW, Profile.busy(30_000)).setToday(START);
    FakePypiStats upstream = FakePypiStats.startBlocking(kafka.vertx()).serve(sim);
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    FakeReceiver bot = FakeReceiver.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(bot.stop()));
    AppConfig config = config(upstream.baseUrl(), bot.url("/hook"));
    SimulatedDayClock clock = new SimulatedDayClock(START);
    Service service = kafka.startService(config, clock);
    KafkaClients clients = new KafkaClients(config.kafka(), service.bootstrapServers());
    Await.result(service.poller().idle(), WAIT);
    Set<String> paths = upstream.requests().stream().map(RecordedRequest::path).collect(Collectors.toSet());

    // The outage: three days of 503s, two of answers slower than the request time-out.
    for (int i = 1; i <= OUTAGE_DAYS; i++) {
      LocalDate day = START.plusDays(i);
      upstream.reset();
      FakeResponse outage = i <= 3 ? FakeResponse.status(503, "Service Unavailable")
          : FakeResponse.status(200, "{}").withDelay(Duration.ofSeconds(3));
      paths.forEach(p -> upstream.serve(p, outage));
      sim.setToday(day);
      clock.setDay(day);
      Await.result(service.poller().pollNow(), WAIT);
      assertTrue(!upstream.requests().isEmpty(), "polled on " + day);
    }

    // The upstream is back with the whole series, two of the days it did not serve with a spike.
    upstream.reset();
    upstream.serve(sim);
    sim.setToday(BACK);
    spike(sim, OLD, BACK.minusDays(4));
    spike(sim, NEW, BACK.minusDays(3));
    clock.setDay(BACK);
    Await.result(service.poller().pollNow(), WAIT);
    Await.result(service.poller().idle(), WAIT);
    KafkaTesting.awaitSettled(clients, config.kafka().topics().downloads(), WAIT);
    KafkaTesting.awaitCommittedToEnd(clients, config.ruleEngine().groupId(), config.kafka().topics().downloads(), WAIT);
    KafkaTesting.awaitSettled(clients, config.kafka().topics().alerts(), WAIT);
    KafkaTesting.awaitCommittedToEnd(clients, config.notifications().groupId(), config.kafka().topics().alerts(),
        WAIT);

    PublishedDownloads seen = PublishedDownloads.of(
        KafkaTesting.consumeToEnd(clients, config.kafka().topics().downloads(), WAIT));
    seen.assertNoDuplicateFacts();
    for (String pkg : List.of(OLD, NEW)) {
      seen.assertMatchesUpstream(sim, pkg); // every day of the outage, with the upstream's counts
      for (int i = 0; i <= OUTAGE_DAYS; i++) {
        LocalDate day = START.plusDays(i);
        assertTrue(seen.latest().containsKey(new PublishedDownloads.Key(pkg, Endpoint.OVERALL, "without_mirrors",
            day)), pkg + " " + day + " is on the downloads topic");
      }
    }
    List<Alert> alerts = KafkaTesting.consumeToEnd(clients, config.kafka().topics().alerts(), WAIT).stream()
        .map(r -> AlertCodec.decode(r.value())).toList();
    assertEquals(List.of(), alerts.stream().filter(a -> a.rule().equals("drop")).toList(),
        "no drop for the days the upstream did not answer");
    assertTrue(alerts.stream().anyMatch(a -> a.packageName().equals(OLD) && a.rule().equals("spike")
        && a.date().equals(BACK.minusDays(4))), "the old spike is evaluated and on the alerts topic: " + alerts);
    Await.until(() -> !bot.requests().isEmpty(), WAIT);
    Set<String> sent = new TreeSet<>();
    for (FakeReceiver.Request r : bot.requests()) {
      for (JsonNode a : JSON.readTree(r.body()).get("alerts")) {
        sent.add(a.get("package").asText() + " " + a.get("state").asText() + " " + a.get("date").asText());
      }
    }
    assertEquals(Set.of(NEW + " firing " + BACK.minusDays(3)), sent,
        "the spike 3 days back (max-alert-age) is sent, the one 4 days back is not");
    assertTrue(service.notifyMetrics().snapshot().get("pypiwatch_notifications_history_total") >= 1);
  }

  /** Five times the usual downloads (without mirrors) on {@code day}. */
  private static void spike(SimulatedUpstream sim, String pkg, LocalDate day) {
    long usual = sim.count(pkg, Endpoint.OVERALL, "without_mirrors", day);
    sim.revise(pkg, day, (int) (4 * usual));
  }

  private AppConfig config(String upstream, String hook) throws Exception {
    String p = "out" + SEQ.incrementAndGet();
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms,
              request-timeout: 1s}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s.downloads, recent: %s.recent, poller-state: %s.state, alerts: %s.alerts}
        poller: {freshness-retry: 200ms, freshness-retry-max: 400ms, freshness-deadline: 2s, transactional-id: %s-poller}
        http: {port: 0}
        rule-engine: {group-id: %s-rules, transactional-id-prefix: %s-rules}
        notify:
          group-wait: 1s
          repeat-interval: 0s
          max-alert-age: 3d
          group-id: %s-notifier
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: bot
              webhook: {url: "%s"}
          routes:
            - match: {rules: [spike, drop], states: [firing]}
              receivers: [bot]
        watchlist: [%s, %s]
        """.formatted(upstream, kafka.bootstrapServers(), p, p, p, p, p, p, p, p, p, p, hook, OLD, NEW));
    return ConfigLoader.load(file, Map.of());
  }
}

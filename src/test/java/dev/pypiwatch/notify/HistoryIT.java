package dev.pypiwatch.notify;

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
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * History is not news, through the whole service: a first start's 180-day backfill, a package
 * added to the watchlist and a catch-up after an outage are evaluated (their alerts are on the
 * alerts topic) but a receiver hears only of the last {@code notify.max-alert-age} days.
 */
class HistoryIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private SimulatorServer upstream;
  private SimulatedUpstream sim;
  private FakeReceiver bot;
  private AppConfig config;
  private Service service;

  @Test
  void aFirstStartANewPackageAndACatchUpAfterAnOutageSendOnlyRecentTransitions() throws Exception {
    bot = FakeReceiver.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(bot.stop()));
    sim = new SimulatedUpstream(11).addPackage("busy-pkg", Profile.busy(20_000)).setToday(TODAY);
    upstream = Await.result(SimulatorServer.start(kafka.vertx(), sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    spike("busy-pkg", TODAY.minusDays(60)); // months back: history
    spike("busy-pkg", TODAY.minusDays(1)); // yesterday: news

    // 1. First start: ~180 days backfilled at once.
    config = config("[busy-pkg]");
    service = kafka.startService(config, new SimulatedDayClock(TODAY));
    awaitEverythingHandled();
    assertEquals(Set.of("firing " + TODAY.minusDays(1)), transitions(bot.requests()), "only yesterday's spike");
    assertEquals(Map.of(TODAY.minusDays(60), "true", TODAY.minusDays(1), "false"), alertDates(config),
        "both spikes are evaluated and on the alerts topic, the old one marked as history (ce_history)");
    long firstHistory = history();
    assertTrue(firstHistory >= 2, "the old spike's firing and resolution were history: " + firstHistory);

    // 2. A package added to the watchlist, with a spike 40 days back in its history.
    service.close();
    sim.addPackage("new-pkg", Profile.busy(8_000));
    spike("new-pkg", TODAY.minusDays(40));
    int before = bot.requests().size();
    config = config("[busy-pkg, new-pkg]");
    service = kafka.startService(config, new SimulatedDayClock(TODAY));
    awaitEverythingHandled();
    assertEquals(before, bot.requests().size(), "the new package's backfill sends nothing");
    assertEquals("true", alertDates(config).get(TODAY.minusDays(40)), "its old spike is on the alerts topic, as history");
    assertTrue(history() >= 2, "its firing and resolution were history");

    // 3. Twelve days without updates (upstream or pypiwatch down), then all of them at once: a spike
    // 7 days back is history, one 2 days back and its end yesterday are news, and the end of the
    // spike announced in 1. closes what the receiver believes is still firing, however old. (The
    // older spike is 5 days after that end: a spike within 3 days of the last one's end is the same
    // burst, see the spike cooldown in docs/detection.md.)
    service.close();
    LocalDate later = TODAY.plusDays(12);
    sim.setToday(later);
    spike("busy-pkg", later.minusDays(7));
    spike("busy-pkg", later.minusDays(2));
    service = kafka.startService(config, new SimulatedDayClock(later));
    awaitEverythingHandled();
    List<FakeReceiver.Request> caughtUp = bot.requests().subList(before, bot.requests().size());
    assertEquals(Set.of("resolved " + TODAY, "firing " + later.minusDays(2), "resolved " + later.minusDays(1)),
        transitions(caughtUp), "of the catch-up, only the last days' spike and its end, and the announced one's end");
    assertEquals("true", alertDates(config).get(later.minusDays(7)), "the outage's older spike is there, as history");
    assertEquals("false", alertDates(config).get(later.minusDays(2)));
  }

  /** Five times the usual downloads (without mirrors) on {@code day}. */
  private void spike(String pkg, LocalDate day) {
    long usual = sim.count(pkg, Endpoint.OVERALL, "without_mirrors", day);
    sim.revise(pkg, day, (int) (4 * usual));
  }

  private AppConfig config(String watchlist) throws Exception {
    String p = "hit-" + System.nanoTime() % 1_000_000;
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: hist.downloads, recent: hist.recent, poller-state: hist.state, alerts: hist.alerts}
        poller: {freshness-deadline: 5s, transactional-id: hist-poller}
        http: {port: 0}
        rule-engine: {group-id: hist-rules, transactional-id-prefix: hist-rules}
        notify:
          group-wait: 1s
          repeat-interval: 0s
          group-id: hist-notifier
          sent-topic: hist.sent
          dlq-topic: hist.dlq
          receivers:
            - name: bot
              webhook: {url: "%s"}
          routes:
            - match: {rules: [spike]}
              receivers: [bot]
        watchlist: %s
        """.formatted(upstream.baseUrl(), kafka.bootstrapServers(), bot.url("/hooks/" + p), watchlist));
    return ConfigLoader.load(file, Map.of());
  }

  private long history() {
    return service.notifyMetrics().snapshot().get("pypiwatch_notifications_history_total");
  }

  /** "state date" of every alert the webhook received in {@code requests}. */
  private static Set<String> transitions(List<FakeReceiver.Request> requests) throws IOException {
    Set<String> out = new TreeSet<>();
    for (FakeReceiver.Request r : requests) {
      for (JsonNode a : JSON.readTree(r.body()).get("alerts")) {
        out.add(a.get("state").asText() + " " + a.get("date").asText());
      }
    }
    return out;
  }

  /** The days of the spike firings on the alerts topic, with their {@code ce_history} header. */
  private Map<LocalDate, String> alertDates(AppConfig c) {
    Map<LocalDate, String> dates = new TreeMap<>();
    for (var r : KafkaTesting.consumeToEnd(kafka.clients(c.kafka()), c.kafka().topics().alerts(), WAIT)) {
      Alert a = AlertCodec.decode(r.value());
      if (a.rule().equals("spike") && a.state() == dev.pypiwatch.events.AlertState.FIRING) {
        dates.put(a.date(), CloudEventHeaders.text(r.headers(), CloudEventHeaders.HISTORY));
      }
    }
    return dates;
  }

  /**
   * Waits until the service has acted on everything in its topics: the poller is idle, the rule
   * stage committed the end of the downloads, and the notifier the end of every alerts partition
   * (it commits past an alert only once every message for it went out).
   */
  private void awaitEverythingHandled() throws Exception {
    Await.result(service.poller().idle(), WAIT);
    kafka.awaitCommittedToEnd(config.ruleEngine().groupId(), config.kafka().topics().downloads());
    kafka.awaitCommittedToEnd(config.notifications().groupId(), config.kafka().topics().alerts());
  }
}

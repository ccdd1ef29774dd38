package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.PrometheusScrape;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.RecordedRequest;
import dev.pypiwatch.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The poller end to end: a simulated upstream played day by day over a real local HTTP server,
 * the real client, the real Kafka broker (in-process) and a consumer reading the topics.
 */
class PollPipelineIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final LocalDate HOLE = TODAY.minusDays(20);
  private static final LocalDate BUSY_LOST_DAY = TODAY.minusDays(30);
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final AtomicInteger SEQ = new AtomicInteger();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private FakePypiStats fake;
  private SimulatedUpstream sim;
  private TestClock clock;
  private Path configFile;
  private AppConfig config;
  private KafkaClients clients;
  private Service service;

  @BeforeEach
  void upstream() throws Exception {
    fake = FakePypiStats.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(fake.stop())); // after the service: the fixture closes in reverse
    sim = new SimulatedUpstream(42)
        .addPackage("busy-pkg", Profile.busy(20_000))
        .addPackage("tiny-pkg", Profile.tiny(3))
        .unknownPackage("no-such-pkg")
        .hole(HOLE)
        .setToday(TODAY);
    sim.dropDay("busy-pkg", BUSY_LOST_DAY);
    fake.serve(sim); // the simulator's data; this fake adds scripted faults and counts requests
    clock = TestClock.morningOf(TODAY);
    writeConfig("busy-pkg, tiny-pkg, no-such-pkg", "\"" + kafka.bootstrapServers() + "\"");
  }

  private void writeConfig(String watchlist, String bootstrap) throws Exception {
    String prefix = "it" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    configFile = dir.resolve("pypiwatch.yaml");
    Files.writeString(configFile, """
        api:
          base-url: %s
          min-interval: 0s
          max-attempts: 2
          initial-backoff: 10ms
          max-backoff: 20ms
          request-timeout: 30s
        kafka:
          bootstrap-servers: %s
          embedded-data-dir: %s
          embedded-port: 0
          topics:
            downloads: %s.downloads
            recent: %s.recent
            poller-state: %s.state
            alerts: %s.alerts
            partitions: 3
        poller:
          freshness-retry: 200ms
          freshness-retry-max: 400ms
          freshness-deadline: 5s
          watch-interval: 100ms
          transactional-id: %s-poller
        http:
          port: 0
        rule-engine:
          group-id: %s-rules
          transactional-id-prefix: %s-rules
        watchlist: [%s]
        """.formatted(fake.baseUrl(), bootstrap, dir.resolve("kafka"), prefix, prefix, prefix, prefix,
            prefix, prefix, prefix, watchlist));
    config = ConfigLoader.load(configFile, Map.of());
  }

  private Service startService() {
    service = kafka.startService(config, clock);
    clients = new KafkaClients(config.kafka(), service.bootstrapServers());
    Await.result(service.poller().idle());
    return service;
  }

  private PublishedDownloads downloads() {
    return PublishedDownloads.of(
        KafkaTesting.consumeToEnd(clients, config.kafka().topics().downloads(), WAIT));
  }

  @Test
  void firstPollBackfillsTheWindowWithZerosAndNoHolesOrUnknowns() {
    long usual = sim.count("busy-pkg", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(1));
    sim.revise("busy-pkg", TODAY.minusDays(1), (int) (5 * usual)); // a x6 day: news
    startService();

    PublishedDownloads seen = downloads();

    seen.assertNoDuplicateFacts();
    seen.assertMatchesUpstream(sim, "busy-pkg");
    seen.assertMatchesUpstream(sim, "tiny-pkg");
    assertTrue(seen.all().stream().noneMatch(o -> o.record().date().equals(HOLE)),
        "nothing is published for an upstream hole");
    assertTrue(seen.of("busy-pkg").stream().noneMatch(o -> o.record().date().equals(BUSY_LOST_DAY)),
        "a busy package's lost day is unknown, never a zero");
    assertTrue(seen.of("busy-pkg").stream().noneMatch(o -> o.origin() == Origin.ZERO_FILLED));
    List<DownloadObservation> zeros = seen.of("tiny-pkg").stream()
        .filter(o -> o.origin() == Origin.ZERO_FILLED).toList();
    assertFalse(zeros.isEmpty(), "a tiny package's zero days are published as explicit zeros");
    assertTrue(zeros.stream().allMatch(o -> o.record().downloads() == 0 && o.previousDownloads() == null));
    assertTrue(seen.of("no-such-pkg").isEmpty());
    assertEquals(Set.of("no-such-pkg"), service.metrics().invalidPackages());
    DownloadObservation any = seen.of("busy-pkg").get(0);
    assertTrue(any.source().startsWith(fake.baseUrl() + "/packages/busy-pkg/"), any.source());
    assertEquals(clock.instant(), any.fetchedAt());

    List<ConsumerRecord<String, byte[]>> recent =
        KafkaTesting.consumeToEnd(clients, config.kafka().topics().recent(), WAIT);
    RecentObservation busyRecent = recent.stream().map(r -> EventCodec.decodeRecent(r.value()))
        .filter(r -> r.recent().packageName().equals("busy-pkg")).reduce((a, b) -> b).orElseThrow();
    assertEquals(sim.recent("busy-pkg").lastDay(), busyRecent.recent().lastDay());
    assertEquals(sim.recent("busy-pkg").lastWeek(), busyRecent.recent().lastWeek());
    assertEquals(sim.recent("busy-pkg").lastMonth(), busyRecent.recent().lastMonth());
    assertEquals(TODAY.minusDays(1), busyRecent.asOf());

    // The rule engine (same service) turns the spike into exactly one alert: once it has committed
    // the end of the downloads, every alert it will publish for them is out.
    awaitRulesCaughtUp();
    List<Alert> spikes = alerts().stream().filter(a -> a.rule().equals("spike")
        && a.packageName().equals("busy-pkg")).toList();
    assertEquals(1, spikes.size(), spikes.toString());
    assertEquals(TODAY.minusDays(1), spikes.get(0).date());
    assertEquals(AlertState.FIRING, spikes.get(0).state());
    assertEquals("https://pypistats.org/packages/busy-pkg", spikes.get(0).link());

    PrometheusScrape metrics = PrometheusScrape.parse(http("/metrics"));
    assertEquals("counter", metrics.types().get("pypiwatch_records_published_total"));
    assertEquals(seen.all().size(), metrics.value("pypiwatch_records_published_total", Map.of()));
    assertEquals(1, metrics.value("pypiwatch_invalid_packages", Map.of()));
    assertTrue(http("/ready").contains("\"invalid_packages\":[\"no-such-pkg\"]"));
  }

  @Test
  void aRowWithACategoryTheEndpointCannotHoldIsLeftOutAndTheRestOfTheBodyPublished() throws Exception {
    String injected = "3.14<script>alert(1)</script>\r\nX-Injected: 1";
    ObjectNode body = (ObjectNode) new ObjectMapper().readTree(sim.body("busy-pkg", Endpoint.PYTHON_MINOR));
    ((ArrayNode) body.get("data")).insertObject(3).put("category", injected)
        .put("date", TODAY.minusDays(1).toString()).put("downloads", 999_999);
    fake.serve(FakePypiStats.path("busy-pkg", Endpoint.PYTHON_MINOR), FakeResponse.ok(body.toString()));
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger pollerLog = (Logger) LoggerFactory.getLogger(Poller.class);
    pollerLog.addAppender(log);
    try {
      startService();
    } finally {
      pollerLog.detachAppender(log);
    }

    PublishedDownloads seen = downloads();
    seen.assertNoDuplicateFacts();
    seen.assertMatchesUpstream(sim, "busy-pkg"); // every good row of the body, nothing else
    assertTrue(seen.all().stream().noneMatch(o -> o.record().category().contains("script")));
    assertFalse(seen.of("busy-pkg").stream().filter(o -> o.record().endpoint() == Endpoint.PYTHON_MINOR)
        .toList().isEmpty());
    List<String> rejected = log.list.stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("row rejected")).toList();
    assertEquals(List.of("upstream row rejected, the rest of the body is used [package: busy-pkg, "
        + "endpoint: python_minor, path: data[3].category]: expected a Python minor version (N.M) or "
        + "null, got \"3.14<script>alert(1)</script>\\r\\nX-Injecte…\""), rejected);
    assertEquals(1, service.metrics().snapshot().get("pypiwatch_upstream_rows_rejected_total"));
  }

  @Test
  void lateUpstreamIsRetriedUntilTheDeadlineThenReportedStale() {
    sim.lag(2);
    startService();
    String reference = FakePypiStats.path(SimulatedUpstream.ALL, Endpoint.OVERALL);
    String busy = FakePypiStats.path("busy-pkg", Endpoint.OVERALL);
    // Retries ask the reference; the package itself only now and then, as a probe (NewsGate).
    Await.until(() -> fake.requests(reference).size() >= NewsGate.PROBE_EVERY + 2, WAIT);
    assertTrue(fake.requests(busy).size() >= 2, "the first poll and a probe");
    assertTrue(fake.requests(busy).size() < fake.requests(reference).size(),
        "not polled again while the reference lacks the day: " + fake.requests(busy).size());
    assertTrue(service.metrics().stalePackages().isEmpty(), "not stale before the deadline");

    clock.advance(Duration.ofSeconds(6)); // past poller.freshness-deadline
    Await.until(() -> service.metrics().stalePackages().contains("busy-pkg"), WAIT);
    assertEquals(1, PrometheusScrape.parse(http("/metrics")).value("pypiwatch_stale_packages", Map.of()));
    assertTrue(http("/ready").contains("\"stale_packages\":[\"busy-pkg\"]"));

    // The upstream catches up: the next cycle publishes the missing days and clears the report.
    sim.lag(0);
    clock.setDay(TODAY);
    Await.result(service.poller().pollNow());
    assertTrue(service.metrics().stalePackages().isEmpty());
    PublishedDownloads seen = downloads();
    seen.assertNoDuplicateFacts();
    seen.assertMatchesUpstream(sim, "busy-pkg");
    // Every cycle, retries included, fetches (and publishes) the reference before its packages:
    // the rule engine judges a package's day with the reference's same day.
    List<String> order = fake.requests().stream().map(RecordedRequest::path)
        .filter(p -> p.equals(reference) || p.equals(busy)).toList();
    assertTrue(order.size() >= 8, order.toString());
    assertEquals(reference, order.get(0));
    for (int i = 1; i < order.size(); i++) {
      if (order.get(i).equals(busy)) {
        assertEquals(reference, order.get(i - 1), "request " + i + " of " + order);
      }
    }
  }

  private String http(String path) {
    try {
      var client = java.net.http.HttpClient.newHttpClient();
      var request = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + service.statusPort() + path)).build();
      return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void laterDaysPublishOnlyNewDaysRevisionsAndRetriedTransientEmpties() {
    startService();
    PublishedDownloads day0 = downloads();

    // Day 1: a new day, and the upstream revises a day it published before.
    LocalDate revised = TODAY.minusDays(5);
    long before = sim.count("busy-pkg", Endpoint.OVERALL, "without_mirrors", revised);
    sim.nextDay().revise("busy-pkg", revised, 7);
    clock.setDay(TODAY.plusDays(1));
    Await.result(service.poller().pollNow());

    PublishedDownloads day1 = downloads();
    // Partitions interleave in any order: tell the new records by when they were fetched.
    List<DownloadObservation> added = day1.all().stream()
        .filter(o -> o.fetchedAt().equals(clock.instant())).toList();
    assertEquals(day1.all().size() - day0.all().size(), added.size());
    day1.assertNoDuplicateFacts();
    day1.assertMatchesUpstream(sim, "busy-pkg");
    day1.assertMatchesUpstream(sim, "tiny-pkg");
    DownloadObservation rev = added.stream().filter(o -> o.record().packageName().equals("busy-pkg")
        && o.record().endpoint() == Endpoint.OVERALL && o.record().category().equals("without_mirrors")
        && o.record().date().equals(revised)).findFirst().orElseThrow();
    assertEquals(before, rev.previousDownloads());
    assertEquals(before + 7, rev.record().downloads());
    for (DownloadObservation o : added) {
      DownloadObservation earlier = day0.latest().get(PublishedDownloads.Key.of(o));
      if (earlier != null) {
        assertTrue(o.isRevision() && o.previousDownloads() == earlier.record().downloads(),
            "a day published before comes again only as a revision: " + o);
      } else if (o.record().date().isBefore(TODAY.minusDays(1))) {
        // A quiet series' trailing days without rows become zeros once a later row bounds them.
        assertEquals(Origin.ZERO_FILLED, o.origin(), "an old day first published now: " + o);
      }
    }
    assertTrue(added.stream().anyMatch(o -> o.record().date().equals(TODAY)), "the new day");

    // Day 2: the busy package's system answer is empty once; the poller keeps its data and retries.
    sim.nextDay();
    sim.transientEmpty("busy-pkg", Endpoint.SYSTEM);
    clock.setDay(TODAY.plusDays(2));
    Await.result(service.poller().pollNow());
    Await.until(() -> downloads().of("busy-pkg").stream().anyMatch(o ->
        o.record().endpoint() == Endpoint.SYSTEM && o.record().date().equals(TODAY.plusDays(1))), WAIT);
    Await.result(service.poller().idle());
    PublishedDownloads day2 = downloads();
    day2.assertNoDuplicateFacts();
    day2.assertMatchesUpstream(sim, "busy-pkg");
    assertTrue(fake.requests(FakePypiStats.path("busy-pkg", Endpoint.SYSTEM)).size() >= 4,
        "the empty answer was retried");

    // The same day again: nothing new.
    Await.result(service.poller().pollNow());
    assertEquals(day2.all().size(), downloads().all().size());
  }

  @Test
  void restartMidwayPublishesEveryRecordExactlyOnce() throws Exception {
    for (int i = 1; i <= 4; i++) {
      sim.addPackage("extra-" + i, Profile.busy(5_000 * i));
    }
    sim.setToday(TODAY);
    writeConfig("busy-pkg, tiny-pkg, extra-1, extra-2, extra-3, extra-4", "\"" + kafka.bootstrapServers() + "\"");
    // Slow the upstream down so that the stop lands in the middle of the cycle.
    for (String p : List.of("extra-1", "extra-2", "extra-3", "extra-4")) {
      for (Endpoint e : List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
        fake.script(FakePypiStats.path(p, e), FakeResponse.ok(sim.body(p, e)).withDelay(Duration.ofMillis(300)));
      }
    }
    service = kafka.startService(config, clock);
    clients = new KafkaClients(config.kafka(), service.bootstrapServers());
    Await.until(() -> !downloads().of("tiny-pkg").isEmpty(), WAIT);
    service.close();
    int afterStop = downloads().all().size();
    assertTrue(downloads().of("extra-4").isEmpty(), "stopped before the end of the cycle");

    startService();

    PublishedDownloads seen = downloads();
    assertTrue(seen.all().size() > afterStop);
    seen.assertNoDuplicateFacts();
    for (String p : List.of("busy-pkg", "tiny-pkg", "extra-1", "extra-2", "extra-3", "extra-4")) {
      seen.assertMatchesUpstream(sim, p);
    }
    // The rule engine, stopped and restarted with the service, published each transition once.
    Await.until(() -> service.ruleMetrics().snapshot().get("pypiwatch_rule_records_consumed_total")
        >= seen.all().size() - afterStop, WAIT);
    awaitRulesCaughtUp();
    List<String> transitions = alerts().stream()
        .map(a -> a.fingerprint() + "|" + a.state() + "|" + a.date()).toList();
    assertEquals(transitions.size(), Set.copyOf(transitions).size(), "duplicate alerts: " + transitions);
  }

  /** Waits until the rule stage has committed the end of the downloads topic. */
  private void awaitRulesCaughtUp() {
    KafkaTesting.awaitCommittedToEnd(clients, config.ruleEngine().groupId(), config.kafka().topics().downloads(), WAIT);
  }

  private List<Alert> alerts() {
    return KafkaTesting.consumeToEnd(clients, config.kafka().topics().alerts(), WAIT).stream()
        .map(r -> AlertCodec.decode(r.value())).toList();
  }

  @Test
  void embeddedBrokerIsTheDefaultAndKeepsTopicsAndStateAcrossRestarts() throws Exception {
    writeConfig("tiny-pkg", "\"\"");
    startService();
    assertNotNull(service.bootstrapServers());
    int first = downloads().all().size();
    assertTrue(first > 0);
    service.close();

    startService();

    PublishedDownloads seen = downloads();
    assertEquals(first, seen.all().size(), "restored state: nothing republished after a restart");
    seen.assertMatchesUpstream(sim, "tiny-pkg");
  }

  @Test
  void watchlistChangesAreAppliedWithoutRestart() throws Exception {
    startService();
    sim.addPackage("new-pkg", Profile.busy(1_000));
    sim.setToday(TODAY);
    String yaml = Files.readString(configFile).replace("watchlist: [busy-pkg, tiny-pkg, no-such-pkg]",
        "watchlist: [tiny-pkg, new-pkg]");
    Files.writeString(configFile, yaml);
    Files.setLastModifiedTime(configFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));

    Await.until(() -> !downloads().of("new-pkg").isEmpty(), WAIT);
    Await.result(service.poller().idle());
    downloads().assertMatchesUpstream(sim, "new-pkg");

    int busyRequests = fake.requests(FakePypiStats.path("busy-pkg", Endpoint.OVERALL)).size();
    Await.result(service.poller().pollNow());
    assertEquals(busyRequests, fake.requests(FakePypiStats.path("busy-pkg", Endpoint.OVERALL)).size(),
        "a removed package is no longer polled");
    assertTrue(fake.requests(FakePypiStats.path("new-pkg", Endpoint.OVERALL)).size() >= 2);
  }

}

package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.Service;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.config.PollerConfig;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.outbound.RetryPolicy;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pollers sharded by Kafka, on the real embedded broker: 2-3 poller instances (each its own
 * client and request budget, transactional id, group member) share a watchlist of 30 packages on
 * the fake upstream through the watchlist topic. Whatever joins or dies, every package's day is
 * published exactly once ({@code read_committed} count of the downloads topic).
 */
class ShardedPollersIT {
  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final LocalDate DAY = TODAY.minusDays(1);
  private static final List<String> PACKAGES =
      IntStream.rangeClosed(1, 30).mapToObj(i -> String.format("pkg-%02d", i)).toList();

  @TempDir Path dir;
  private final List<Instance> instances = new ArrayList<>();
  private TopicsConfig topicsConfig;
  private Topics topics;
  private String watchlistTopic;
  private FakePypiStats upstream;
  private final Clock clock = Clock.fixed(TODAY.atTime(3, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

  @BeforeEach
  void setUp() {
    topicsConfig = kafka.createTopics("sharded", 6);
    topics = Topics.from(topicsConfig);
    watchlistTopic = topicsConfig.pollerState().replace(".poller-state", ".watchlist");
    TopicAdmin.ensureWatchlistTopic(kafka.admin(), watchlistTopic, topicsConfig);
    SimulatedUpstream sim = new SimulatedUpstream(15);
    for (int i = 0; i < PACKAGES.size(); i++) {
      sim.addPackage(PACKAGES.get(i), i % 3 == 0 ? Profile.busy(20_000) : Profile.constant(500 + i));
    }
    sim.setToday(TODAY);
    upstream = Await.result(FakePypiStats.start(kafka.vertx())).serve(sim);
  }

  @AfterEach
  void tearDown() {
    instances.forEach(Instance::stop);
    Await.result(upstream.stop());
  }

  /** (a) Two instances split the 30 packages; every package's day is published once. */
  @Test
  void twoInstancesSplitTheWatchlistAndPublishEveryDayOnce() {
    Instance a = start("poller-a");
    Instance b = start("poller-b");
    awaitEveryDayPublished();
    Await.until(() -> a.group.ownedPackages().size() + b.group.ownedPackages().size() == PACKAGES.size(), WAIT,
        () -> "owned: " + a.group.ownedPackages() + " / " + b.group.ownedPackages());
    Set<String> ofA = Set.copyOf(a.group.ownedPackages());
    Set<String> ofB = Set.copyOf(b.group.ownedPackages());
    assertFalse(ofA.isEmpty(), "a owns some packages");
    assertFalse(ofB.isEmpty(), "b owns some packages");
    assertTrue(ofA.stream().noneMatch(ofB::contains), "no package owned twice: " + ofA + " / " + ofB);
    assertTrue(a.published() > 0 && b.published() > 0, "both polled: " + a.fresh + " / " + b.fresh);
    assertEachDayOnce();
  }

  /** (b) A third instance joins while the two others are polling: its share moves, nothing twice or skipped. */
  @Test
  void anInstanceJoiningMidCycleTakesItsShareWithNoDayTwiceOrSkipped() {
    Instance a = start("poller-a");
    Instance b = start("poller-b");
    Await.until(() -> polled().size() >= 4, WAIT, () -> "polled: " + polled());
    int before = polled().size();
    Instance c = start("poller-c");
    awaitEveryDayPublished();
    Await.until(() -> !c.group.ownedPackages().isEmpty(), WAIT, () -> "c owns nothing");
    assertTrue(before < PACKAGES.size(), "c joined mid-cycle: " + before + " packages published then");
    Await.until(() -> owned(a, b, c).size() == PACKAGES.size(), WAIT, () -> "owned: " + owned(a, b, c));
    assertEachDayOnce();
  }

  /**
   * (c) One of three instances stops abruptly mid-cycle (no revocation, no leaving the group, as a
   * killed process): once its session times out its packages move to the others, which publish
   * what it had not, and nothing twice.
   */
  @Test
  void anInstanceKilledMidCycleHasItsPackagesPolledByTheOthersOnce() {
    Instance a = start("poller-a");
    Instance b = start("poller-b");
    Instance c = start("poller-c");
    Await.until(() -> c.published() >= 2, WAIT, () -> "c published " + c.published());
    List<String> ofC = c.group.ownedPackages();
    c.kill();
    assertTrue(ofC.stream().filter(c.fresh::contains).count() < ofC.size(),
        "c killed mid-cycle: polled " + c.fresh + " of " + ofC);
    awaitEveryDayPublished();
    Await.until(() -> owned(a, b).size() == PACKAGES.size(), WAIT, () -> "owned: " + owned(a, b));
    assertTrue(ofC.stream().allMatch(pkg -> a.group.owns(pkg) || b.group.owns(pkg)), "c's packages moved: " + ofC);
    assertEachDayOnce();
  }

  /**
   * Zombie fencing: a batch committed with the group metadata a member had before a rebalance (as
   * an instance paused while its packages moved would) is refused by the broker and never visible;
   * the same batch with a current member's metadata commits.
   */
  @Test
  void aBatchCommittedWithAStaleGenerationIsRefused() {
    Instance a = start("poller-a");
    Await.until(() -> a.group.ownedPackages().size() == PACKAGES.size(), WAIT, () -> "a: " + a.group.ownedPackages());
    Map<String, PackageOwnership.GroupCommit> before = new TreeMap<>();
    PACKAGES.forEach(p -> before.put(p, a.group.commitWith(p).orElseThrow()));
    Instance b = start("poller-b");
    Await.until(() -> !b.group.ownedPackages().isEmpty() && a.group.ownedPackages().size()
        + b.group.ownedPackages().size() == PACKAGES.size(), WAIT, () -> "b: " + b.group.ownedPackages());
    String moved = b.group.ownedPackages().get(0);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topicsConfig, Map.of()));
    RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(100), RetryPolicy.Jitter.NONE);
    byte[] zombieState = PollerState.EMPTY.toBytes();
    try (DownloadPublisher zombie = new DownloadPublisher(clients, topics, "tx-zombie", twice)) {
      PublishException refused = assertThrows(PublishException.class, () -> zombie.publishBatch("zombie-pkg",
          List.of(), List.of(), zombieState, () -> Optional.of(before.get(moved))));
      assertFalse(refused.outcomeUnknown(), refused.toString());
      zombie.publishBatch("control-pkg", List.of(), List.of(), zombieState, () -> b.group.commitWith(moved));
    }
    Set<String> keys = new TreeSet<>();
    KafkaTesting.consumeToEnd(clients, topics.pollerState(), WAIT).forEach(r -> keys.add(r.key()));
    assertTrue(keys.contains("control-pkg"), "the batch with current metadata committed: " + keys);
    assertFalse(keys.contains("zombie-pkg"), "the stale member's batch is not visible: " + keys);
  }

  /** More instances than partitions: the one without a partition polls nothing and is still ready. */
  @Test
  void anInstanceWithoutPartitionsPollsNothingAndIsReady() throws Exception {
    String single = watchlistTopic + "-single";
    kafka.admin().createTopics(List.of(new NewTopic(single, 1, (short) 1)
        .configs(Map.of("cleanup.policy", "compact")))).all().get();
    List<String> watched = PACKAGES.subList(0, 3);
    Instance a = start("poller-a", single, watched);
    Await.until(() -> a.group.ownedPackages().size() == watched.size(), WAIT, () -> "a: " + a.group.ownedPackages());
    Instance b = start("poller-b", single, watched);
    Await.until(() -> b.verticle.polledOnce() && a.fresh.containsAll(watched), WAIT,
        () -> "b ready: " + b.verticle.polledOnce() + ", a polled " + a.fresh);
    assertEquals(List.of(), b.group.ownedPackages());
    assertEquals(List.of(), b.fresh);
    assertEquals(watched, a.group.ownedPackages());
  }

  /**
   * The service wired with {@code poller.sharded: true}: two services share the watchlist through
   * the topic (each ready once its share is polled), and when one stops the other takes its packages.
   */
  @Test
  void twoShardedServicesShareTheWatchlistAndOneTakesOverWhenTheOtherStops() throws Exception {
    List<String> watched = PACKAGES.subList(0, 8);
    Service first = kafka.startService(serviceConfig("svc-a", watched), clock);
    Service second = kafka.startService(serviceConfig("svc-b", watched), clock);
    Await.until(() -> first.poller().polledOnce() && second.poller().polledOnce()
        && first.poller().watchlist().size() + second.poller().watchlist().size() == watched.size()
        && !first.poller().watchlist().isEmpty() && !second.poller().watchlist().isEmpty(), WAIT,
        () -> "a: " + first.poller().watchlist() + ", b: " + second.poller().watchlist());
    Set<String> both = new TreeSet<>(first.poller().watchlist());
    both.addAll(second.poller().watchlist());
    assertEquals(new TreeSet<>(watched), both, "every package owned by one service");
    first.close();
    Await.until(() -> second.poller().watchlist().size() == watched.size(), WAIT,
        () -> "b: " + second.poller().watchlist());
    Await.result(second.poller().idle(), WAIT);
    Map<String, Long> overallDays = downloads().stream()
        .map(r -> EventCodec.decodeDownload(r.value()).record())
        .filter(d -> d.endpoint() == Endpoint.OVERALL && d.date().equals(DAY) && d.category().equals("with_mirrors"))
        .collect(Collectors.groupingBy(DownloadRecord::packageName, TreeMap::new, Collectors.counting()));
    Map<String, Long> once = new TreeMap<>();
    watched.forEach(p -> once.put(p, 1L));
    once.put(SimulatedUpstream.ALL, 1L);
    assertEquals(once, overallDays, "each package's day (overall, with mirrors) committed once");
  }

  private AppConfig serviceConfig(String name, List<String> watched) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    TopicsConfig t = topicsConfig;
    Files.writeString(file, """
        api:
          base-url: %s
          min-interval: 100ms
          pypi-json-enabled: false
        kafka:
          bootstrap-servers: "%s"
          topics:
            downloads: %s
            recent: %s
            poller-state: %s
            alerts: %s
            silences: %s
            partitions: 6
        poller:
          sharded: true
          group-id: %s
          watchlist-topic: %s
          transactional-id: %s
        http:
          port: 0
        rule-engine:
          enabled: false
        watchlist: [%s]
        """.formatted(upstream.baseUrl(), kafka.bootstrapServers(), t.downloads(), t.recent(), t.pollerState(),
            t.alerts(), t.silences(), "svc-" + watchlistTopic, watchlistTopic, name, String.join(", ", watched)));
    return ConfigLoader.load(file, Map.of());
  }

  private Set<String> owned(Instance... of) {
    Set<String> all = new TreeSet<>();
    for (Instance i : of) {
      all.addAll(i.group.ownedPackages());
    }
    return all;
  }

  private Instance start(String name) {
    return start(name, watchlistTopic, PACKAGES);
  }

  private Instance start(String name, String topic, List<String> packages) {
    Instance i = new Instance(name, topic, packages);
    instances.add(i);
    return i;
  }

  private List<ConsumerRecord<String, byte[]>> downloads() {
    return KafkaTesting.consumeToEnd(kafka.clients(KafkaTesting.config(topicsConfig, Map.of())), topics.downloads(),
        WAIT);
  }

  /** The packages some instance polled to their day and committed (cheap: the instances' own account). */
  private Set<String> polled() {
    Set<String> out = new TreeSet<>();
    instances.forEach(i -> out.addAll(i.fresh));
    return out;
  }

  private void awaitEveryDayPublished() {
    Await.until(() -> polled().containsAll(PACKAGES), WAIT, () -> {
      Set<String> missing = new TreeSet<>(PACKAGES);
      missing.removeAll(polled());
      return "not polled to their day: " + missing;
    });
    // The instances still running finish what they started before the records are counted.
    for (Instance i : instances) {
      if (!i.killed) {
        Await.result(i.verticle.idle(), WAIT);
      }
    }
  }

  /**
   * Every record (package, series, category, day) committed once; every package's day there; and
   * each package polled to its day by one instance once (a package that moved is not polled again
   * by its new owner when its committed state shows the day done).
   */
  private void assertEachDayOnce() {
    List<String> polled = new ArrayList<>();
    instances.forEach(i -> polled.addAll(i.fresh));
    polled.remove(SimulatedUpstream.ALL);
    assertEquals(new TreeSet<>(PACKAGES), new TreeSet<>(polled), "every package polled to its day");
    assertEquals(PACKAGES.size(), polled.size(), "no package polled to its day twice: " + polled.stream().sorted().toList());
    Map<String, Long> perRecord = new TreeMap<>(downloads().stream()
        .map(r -> EventCodec.decodeDownload(r.value()))
        .map(DownloadObservation::record)
        .map(d -> d.packageName() + "|" + d.endpoint().name() + "|" + d.category() + "|" + d.date())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
    Map<String, Long> twice = new TreeMap<>(perRecord);
    twice.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), twice, "records committed more than once");
    Set<String> days = new HashSet<>();
    perRecord.keySet().stream().filter(k -> k.contains("|OVERALL|") && k.endsWith("|" + DAY))
        .forEach(k -> days.add(k.substring(0, k.indexOf('|'))));
    Set<String> all = new TreeSet<>(PACKAGES);
    all.add(SimulatedUpstream.ALL);
    assertTrue(days.containsAll(all), "every package's day: " + days);
    assertTrue(perRecord.size() > PACKAGES.size() * 180, "the packages' whole windows: " + perRecord.size());
  }

  /** One poller instance: its own client (request budget), transactional id, group member. */
  private final class Instance {
    final PollerGroup group;
    final PollVerticle verticle;
    final PollMetrics metrics = new PollMetrics();
    final List<String> fresh = new java.util.concurrent.CopyOnWriteArrayList<>();
    final DownloadPublisher publisher;
    final PypiStatsClient client;
    final WorkerExecutor worker;
    final String deployment;
    volatile boolean killed;
    boolean stopped;

    Instance(String name, String watchlistTopic, List<String> packages) {
      // A short session so a killed member's packages move within seconds; transactions time out soon too.
      KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(),
          Map.of("transaction.timeout.ms", "10000"),
          Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"), name);
      KafkaClients clients = kafka.clients(config);
      metrics.addListener(new PollListener() {
        @Override
        public void polled(String pkg, Outcome outcome, java.time.Instant at) {
          if (outcome == Outcome.FRESH) {
            fresh.add(pkg);
          }
        }

        @Override
        public void cycleFinished(Poller.CycleReport report) {}
      });
      publisher = new DownloadPublisher(clients, topics, "tx-" + name);
      WatchlistSync.publish(clients, watchlistTopic, name, packages, clock);
      group = new PollerGroup(clients, "pollers-" + watchlistTopic, watchlistTopic, topics.pollerState(), "__all__");
      // 150 ms between requests: a cycle of 10-15 packages lasts seconds, long enough to join or die in.
      client = new PypiStatsClient(kafka.vertx(), new ApiConfig(upstream.baseUrl(), "", Duration.ofMillis(150), 2,
          Duration.ofSeconds(30), 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1),
          4L * 1024 * 1024));
      worker = kafka.vertx().createSharedWorkerExecutor("publish-" + name, 1);
      Poller poller = new Poller(client, publisher, worker, Map.of(), "__all__", clock, metrics, group);
      verticle = PollVerticle.sharded(poller, PollerConfig.DEFAULTS.sharded("pollers", watchlistTopic),
          new WatchlistSource(null, Map.of()), clock, names -> {});
      deployment = kafka.deploy(verticle);
      group.start(verticle);
    }

    /** Polls of this instance that brought a package to the expected day and were committed. */
    int published() {
      return fresh.size();
    }

    void kill() {
      killed = true;
      group.haltAbruptly();
      shutDown();
    }

    void stop() {
      if (!killed) {
        verticle.halt();
        group.close();
      }
      shutDown();
    }

    private void shutDown() {
      if (stopped) {
        return;
      }
      stopped = true;
      verticle.halt();
      client.close();
      kafka.undeploy(deployment);
      worker.close();
      publisher.close();
    }
  }
}

package dev.pypiwatch.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.rules.AlertSource;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.RulesTesting;
import dev.pypiwatch.rules.ThresholdAlertSource;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rule verticle against the real (in-process) broker: poll-like transactional batches in, alert
 * transitions out, exactly once across restarts, rebalances and poison records. The detector is
 * {@link ThresholdAlertSource}, so expected alerts can be written down; the ecosystem-reference
 * cases run the real {@link RuleEngine}.
 */
class RuleVerticleIT {
  private static final LocalDate DAY0 = LocalDate.of(2026, 3, 1);
  private static final int DAYS = 8;
  private static final long M = 1_000_000;
  // alpha: fires on day 2, resolves on day 5, fires on day 6, resolves on day 7 (firing across day 3/4).
  private static final long[] ALPHA = {10, 10, 2 * M, 3 * M, 3 * M, 10, 2 * M, 10};
  // beta: fires on day 0, resolves on day 2, fires on day 4, resolves on day 7 (resolved across day 3/4).
  private static final long[] BETA = {5 * M, 5 * M, 1, 1, 2 * M, 2 * M, 2 * M, 1};
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final String ALL = RulesConfig.DEFAULTS.global().drop().referencePackage();
  private static final Set<String> REFERENCES = Set.of(ALL);
  /** A package's own fall (days 108-114 at half) while the ecosystem is as usual. */
  private static final IntToLongFunction FALL_ALONE = i -> i >= 108 && i <= 114
      ? RulesTesting.FLAT_WEEKLY_20K.applyAsLong(i) / 2 : RulesTesting.FLAT_WEEKLY_20K.applyAsLong(i);
  /** Days before this are published as a backfill, the others one day at a time. */
  private static final int LIVE_FROM = 96;

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();
  private static int seq;

  private TopicsConfig topicsConfig;
  private Topics topics;
  private KafkaClients clients;
  private DownloadPublisher publisher;
  private String group;
  private final Map<String, long[]> series = new LinkedHashMap<>();

  private void setUp(int partitions) {
    seq++;
    topicsConfig = kafka.createTopics("rules", partitions);
    topics = Topics.from(topicsConfig);
    // Quick heartbeats: a rebalance is noticed within ~0.3 s instead of 3 s.
    KafkaConfig config = new KafkaConfig("", java.nio.file.Path.of("unused"), 0, topicsConfig, Map.of(), Map.of(),
        Map.of("heartbeat.interval.ms", "300"));
    clients = kafka.clients(config);
    publisher = kafka.closeAfterEach(new DownloadPublisher(clients, topics, "test-poller-" + seq));
    group = "rules-it-" + seq;
  }

  @Test
  void publishesEachTransitionOnceKeyedByFingerprint() {
    // GIVEN a running verticle
    setUp(2);
    series.put("alpha", ALPHA);
    series.put("beta", BETA);
    RuleMetrics metrics = new RuleMetrics();
    deploy("rules-main", metrics);
    // WHEN the poller publishes day after day
    publishDays(0, DAYS);
    // THEN exactly the transitions, in order per fingerprint, with CloudEvents headers
    awaitCaughtUp();
    List<ConsumerRecord<String, byte[]>> records = KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT);
    assertEquals(List.of(
            "alpha firing 2026-03-03", "alpha resolved 2026-03-06", "alpha firing 2026-03-07",
            "alpha resolved 2026-03-08"),
        describe(records).stream().filter(s -> s.startsWith("alpha")).toList());
    assertEquals(expected(), sorted(describe(records)));
    for (ConsumerRecord<String, byte[]> r : records) {
      Alert a = AlertCodec.decode(r.value());
      assertEquals(a.fingerprint(), r.key());
      assertEquals(CloudEventHeaders.ALERT_TYPE, CloudEventHeaders.text(r.headers(), CloudEventHeaders.TYPE));
      assertEquals(a.packageName(), CloudEventHeaders.text(r.headers(), CloudEventHeaders.SUBJECT));
    }
    assertEquals(records.size(), metrics.alertsPublished());
    assertEquals(2L * DAYS * series.size(), metrics.recordsConsumed());
  }

  @Test
  void restartInTheSameGroupNeitherRepeatsNorLosesAlerts() {
    // GIVEN a verticle that processed days 0-3 and was stopped
    setUp(2);
    series.put("alpha", ALPHA);
    series.put("beta", BETA);
    String first = deploy("rules-restart", new RuleMetrics());
    publishDays(0, 4);
    awaitCaughtUp();
    kafka.undeploy(first);
    // WHEN days 4-7 arrive while it is down, and a new instance starts in the same group
    publishDays(4, DAYS);
    RuleMetrics second = new RuleMetrics();
    deploy("rules-restart", second);
    // THEN every alert is there exactly once; the new instance read only days 4-7
    awaitCaughtUp();
    assertEquals(expected(), sorted(describe(KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT))));
    assertEquals(2L * 4 * series.size(), second.recordsConsumed());
  }

  @Test
  void survivorTakesOverTheRevokedPartitionsExactlyOnce() {
    // GIVEN two verticles of one group over 4 partitions, one package per partition
    setUp(4);
    for (int p = 0; p < 4; p++) {
      series.put(packageOnPartition(p, 4), p % 2 == 0 ? ALPHA : BETA);
    }
    RuleMetrics a = new RuleMetrics();
    RuleMetrics b = new RuleMetrics();
    String idA = deploy("rules-a", a);
    Await.until(() -> a.assignedPartitions() == 4, WAIT);
    deploy("rules-b", b);
    Await.until(() -> a.assignedPartitions() == 2 && b.assignedPartitions() == 2, WAIT);
    publishDays(0, 4);
    awaitCaughtUp();
    assertTrue(a.alertsPublished() > 0 && b.alertsPublished() > 0, "both instances published");
    // WHEN one of them goes away and more days arrive
    kafka.undeploy(idA);
    publishDays(4, DAYS);
    // THEN the other takes all partitions over, rebuilds, and the union is exactly once
    Await.until(() -> b.assignedPartitions() == 4, WAIT);
    awaitCaughtUp();
    assertEquals(expected(), sorted(describe(KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT))));
  }

  @Test
  void poisonRecordIsSkippedAndDoesNotBlockLaterRecords() {
    // GIVEN an invalid record on alpha's partition, before and between valid batches
    setUp(1);
    series.put("alpha", ALPHA);
    sendRaw("alpha", "{\"schema\": \"pypiwatch.download/1\", not json");
    publishDays(0, 4);
    sendRaw("alpha", "[]");
    publishDays(4, DAYS);
    // WHEN the verticle consumes them
    RuleMetrics metrics = new RuleMetrics();
    deploy("rules-poison", metrics);
    // THEN the poison is counted and skipped, every alert is published
    awaitCaughtUp();
    assertEquals(expected(), sorted(describe(KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT))));
    assertEquals(2, metrics.snapshot().get("pypiwatch_rule_undecodable_records_total"));
    assertEquals(1, metrics.snapshot().get("pypiwatch_rule_engine_up"), "a skipped record does not stop the loop");
  }

  @Test
  void failedStepRewindsToTheCommittedOffsetsAndRebuilds() {
    // GIVEN two packages on one partition and a detector that fails on its second evaluation,
    // after the first package's state has already moved on
    setUp(1);
    series.put("alpha", ALPHA);
    series.put("beta", BETA);
    publishDays(0, DAYS);
    AtomicInteger evaluations = new AtomicInteger();
    Runnable failSecond = () -> {
      if (evaluations.incrementAndGet() == 2) {
        throw new IllegalStateException("detector failure (test)");
      }
    };
    // WHEN the verticle consumes the days
    RuleMetrics metrics = new RuleMetrics();
    deploy("rules-rewind", metrics, () -> new ThresholdAlertSource(failSecond));
    // THEN it rebuilt from the committed offsets and published every alert exactly once
    awaitCaughtUp();
    assertEquals(expected(), sorted(describe(KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT))));
    assertTrue(metrics.snapshot().get("pypiwatch_rule_state_rebuilds_total") >= 2, metrics.snapshot().toString());
  }

  @Test
  void everyInstanceSuppressesAnEcosystemWideFallWhateverPartitionsItOwns() {
    ecosystemFallScenario(false);
  }

  @Test
  void aRestartAndRebalanceRereadTheReferenceFromTheBeginning() {
    ecosystemFallScenario(true);
  }

  /**
   * Two instances over 2 partitions: {@code __all__} and a package on one (its owner is called A
   * here), two packages on the other (B's). {@code __all__} and two packages fall together on days
   * 99-105 (an ecosystem-wide fall, as in {@code RuleEngineTest}); one package of B's falls alone
   * on days 108-114. Only the latter is a drop, reported once. With {@code restartB}, B is
   * restarted between the backfill and the falls, so both instances rebuild (A on losing the
   * partitions it took over) and the owner of B's packages evaluates the falls with a reference
   * read back from the beginning.
   */
  private void ecosystemFallScenario(boolean restartB) {
    // GIVEN two instances of one group, __all__'s partition owned by one, B's packages by the other
    setUp(2);
    int refPartition = partitionOf(ALL, 2);
    List<String> onB = packagesOnPartition(1 - refPartition, 2, 2);
    String togetherA = packagesOnPartition(refPartition, 2, 1).get(0);
    String togetherB = onB.get(0);
    String alone = onB.get(1);
    Map<String, IntToLongFunction> daily = new LinkedHashMap<>(); // the reference first, as the poller does
    daily.put(ALL, i -> 1000 * RulesTesting.WEEK_AT_HALF.applyAsLong(i));
    daily.put(togetherA, RulesTesting.WEEK_AT_HALF);
    daily.put(togetherB, RulesTesting.WEEK_AT_HALF);
    daily.put(alone, FALL_ALONE);
    AtomicInteger early = new AtomicInteger();
    Supplier<AlertSource> engines = () -> new ReferenceOrderCheck(early);
    RuleMetrics a = new RuleMetrics();
    RuleMetrics b = new RuleMetrics();
    deploy("rules-ref-a", a, engines);
    Await.until(() -> a.assignedPartitions() == 2, WAIT);
    String idB = deploy("rules-ref-b", b, engines);
    Await.until(() -> a.assignedPartitions() == 1 && b.assignedPartitions() == 1, WAIT);
    daily.forEach((pkg, f) -> publish(pkg, f, 0, LIVE_FROM));
    RuleMetrics b2 = b;
    if (restartB) {
      awaitCaughtUp();
      kafka.undeploy(idB);
      Await.until(() -> a.assignedPartitions() == 2, WAIT);
      RuleMetrics restarted = new RuleMetrics();
      deploy("rules-ref-b", restarted, engines);
      Await.until(() -> a.assignedPartitions() == 1 && restarted.assignedPartitions() == 1, WAIT);
      b2 = restarted;
    }
    // WHEN the days of the falls arrive one at a time, each day's reference before the packages
    for (int d = LIVE_FROM; d < RulesTesting.DAYS; d++) {
      int day = d;
      daily.forEach((pkg, f) -> publish(pkg, f, day, day + 1));
    }
    // THEN no instance reports the ecosystem-wide fall, the package's own fall is reported once
    awaitCaughtUp();
    List<Alert> alerts = KafkaTesting.consumeToEnd(clients, topics.alerts(), WAIT).stream()
        .map(r -> AlertCodec.decode(r.value())).toList();
    List<String> transitions = alerts.stream().map(t -> t.fingerprint() + " " + describe(t)).toList();
    assertEquals(transitions.stream().distinct().toList(), transitions, "no transition twice");
    List<String> drops = alerts.stream()
        .filter(t -> t.rule().equals("drop") && t.state() == AlertState.FIRING && !t.packageName().equals(ALL))
        .map(Alert::packageName).toList();
    assertEquals(List.of(alone), drops);
    assertTrue(alerts.stream().anyMatch(t -> t.packageName().equals(ALL) && t.rule().equals("drop")),
        "the reference's own fall is evaluated by its owner: " + transitions);
    assertEquals(0, early.get(), "evaluations of a day before the reference's same day was read");
    assertEquals(1, a.assignedPartitions());
    assertEquals(1, b2.assignedPartitions());
  }

  /**
   * The real engine, counting evaluations of a package through a day its reference was not
   * recorded for yet: what reading the reference after the packages' records prevents.
   */
  private static final class ReferenceOrderCheck implements AlertSource {
    private final RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    private final Set<LocalDate> referenceDays = new HashSet<>();
    private final AtomicInteger early;

    ReferenceOrderCheck(AtomicInteger early) {
      this.early = early;
    }

    @Override
    public void record(DownloadRecord r) {
      if (r.packageName().equals(ALL)) {
        referenceDays.add(r.date());
      }
      engine.record(r);
    }

    @Override
    public List<Alert> evaluateThrough(String pkg, LocalDate through) {
      if (!pkg.equals(ALL) && !referenceDays.contains(through)) {
        early.incrementAndGet();
      }
      return engine.evaluateThrough(pkg, through);
    }

    @Override
    public Optional<LocalDate> evaluatedThrough(String pkg) {
      return engine.evaluatedThrough(pkg);
    }

    @Override
    public void markEvaluatedThrough(String pkg, LocalDate through) {
      engine.markEvaluatedThrough(pkg, through);
    }

    @Override
    public void restore(Collection<Alert> lastTransitions) {
      engine.restore(lastTransitions);
    }

    @Override
    public Set<String> packages() {
      return engine.packages();
    }
  }

  private String deploy(String transactionalId, RuleMetrics metrics) {
    return deploy(transactionalId, metrics, ThresholdAlertSource::new);
  }

  private String deploy(String transactionalId, RuleMetrics metrics, Supplier<AlertSource> engines) {
    AlertStream stream = new AlertStream(clients, topics, group, transactionalId, engines, REFERENCES, metrics,
        a -> false);
    return kafka.deploy(new RuleVerticle(stream, metrics));
  }

  /** One poll-like transaction per package and day: overall with and without mirrors. */
  private void publishDays(int from, int to) {
    for (int d = from; d < to; d++) {
      for (Map.Entry<String, long[]> e : series.entrySet()) {
        String pkg = e.getKey();
        long n = e.getValue()[d];
        publisher.publishBatch(pkg, List.of(
            observation(pkg, Categories.WITHOUT_MIRRORS, DAY0.plusDays(d), n),
            observation(pkg, Categories.WITH_MIRRORS, DAY0.plusDays(d), 2 * n)),
            List.of(), "{}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** One poll-like transaction: {@code pkg}'s overall/without_mirrors days {@code from} to {@code to - 1}. */
  private void publish(String pkg, IntToLongFunction counts, int from, int to) {
    List<DownloadObservation> obs = new ArrayList<>();
    for (int d = from; d < to; d++) {
      obs.add(observation(pkg, Categories.WITHOUT_MIRRORS, RulesTesting.START.plusDays(d), counts.applyAsLong(d)));
    }
    publisher.publishBatch(pkg, obs, List.of(), "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static DownloadObservation observation(String pkg, String category, LocalDate date, long n) {
    return new DownloadObservation(new DownloadRecord(pkg, Endpoint.OVERALL, category, date, n), Origin.REPORTED,
        null, Instant.parse("2026-03-10T02:00:00Z"), "https://pypistats.org/api/packages/" + pkg + "/overall");
  }

  private void sendRaw(String key, String value) {
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      p.send(new ProducerRecord<>(topics.downloads(), key, value.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** Every transition the detector gives for the whole series, evaluated in one go. */
  private List<String> expected() {
    ThresholdAlertSource reference = new ThresholdAlertSource();
    List<Alert> all = new ArrayList<>();
    series.forEach((pkg, counts) -> {
      for (int d = 0; d < DAYS; d++) {
        reference.record(new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, DAY0.plusDays(d),
            counts[d]));
      }
      all.addAll(reference.evaluateThrough(pkg, DAY0.plusDays(DAYS - 1)));
    });
    return sorted(all.stream().map(RuleVerticleIT::describe).toList());
  }

  private static List<String> describe(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(r -> describe(AlertCodec.decode(r.value()))).toList();
  }

  private static String describe(Alert a) {
    return a.packageName() + " " + a.state().wire() + " " + a.date();
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  /**
   * Waits until the group has committed the end of every downloads partition (so all alerts are
   * out), and the transactions that did so are visible in the alerts topic: their commit markers
   * reach the alerts topic independently of the group's offsets.
   */
  private void awaitCaughtUp() {
    kafka.awaitCommittedToEnd(group, topics.downloads());
    kafka.awaitSettled(topics.alerts());
  }

  /** The first of pkg-0, pkg-1, ... that the default partitioner puts on {@code partition}. */
  private static String packageOnPartition(int partition, int partitions) {
    return packagesOnPartition(partition, partitions, 1).get(0);
  }

  /** The first {@code count} of pkg-0, pkg-1, ... that the default partitioner puts on {@code partition}. */
  private static List<String> packagesOnPartition(int partition, int partitions, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      String pkg = "pkg-" + i;
      if (partitionOf(pkg, partitions) == partition) {
        out.add(pkg);
      }
    }
    return out;
  }

  /** What the poller's producer (the default partitioner) does with a record keyed {@code pkg}. */
  private static int partitionOf(String pkg, int partitions) {
    return Utils.toPositive(Utils.murmur2(pkg.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}

package dev.pypiwatch.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.rules.RealSeries;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.RuleStateCodec;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.SyntheticSeries;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rule stage's changelog on the embedded broker, with the real rule engine: two groups read
 * the same downloads, one never stopped (the reference run), one restarted, rebalanced or given a
 * broken changelog, or a downloads topic ending in an aborted transaction; the latter restores from
 * the changelog (no download replayed) or falls back to the replay, and in every case publishes
 * exactly the reference run's alerts.
 */
class RuleStateChangelogIT {
  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  private static final int PARTITIONS = 3;
  private static final String ALL = RulesConfig.DEFAULTS.global().drop().referencePackage();
  /** Days 0 to 99 arrive as one backfill per package; later days one by one. */
  private static final int BACKFILL = 100;
  private static int seq;

  private Topics uninterrupted;
  private Topics restarted;
  private KafkaClients clients;
  private DownloadPublisher publisher;
  private List<RealSeries> series;

  private void setUp() {
    seq++;
    TopicsConfig u = kafka.createTopics("changelog-u", PARTITIONS);
    TopicsConfig r = kafka.createTopics("changelog-r", PARTITIONS);
    uninterrupted = Topics.from(u);
    // The same downloads, its own alerts and changelog.
    restarted = new Topics(u.downloads(), r.recent(), r.pollerState(), r.alerts(), r.silences(), r.ruleState());
    KafkaConfig config = new KafkaConfig("", java.nio.file.Path.of("unused"), 0, u, Map.of(), Map.of(),
        Map.of("heartbeat.interval.ms", "300"));
    clients = kafka.clients(config);
    publisher = kafka.closeAfterEach(new DownloadPublisher(clients, uninterrupted, "changelog-poller-" + seq));
    List<RealSeries> pkgs = new ArrayList<>(SyntheticSeries.packages(SyntheticSeries.BUSY, 6, 42));
    // A spike and a fall after the backfill, so the restored state has something to judge.
    pkgs.set(0, pkgs.get(0).multiplied(BACKFILL + 12, 2, 5.0));
    pkgs.set(1, pkgs.get(1).multiplied(BACKFILL + 15, 12, 0.25));
    series = new ArrayList<>(pkgs);
    series.add(0, SyntheticSeries.reference(pkgs, 7)); // the ecosystem reference first, as the poller does
  }

  @Test
  void aRestartedStageRestoresFromTheChangelogAndPublishesTheUninterruptedAlerts() {
    setUp();
    String first = backfillBothStages();
    kafka.undeploy(first);
    publishDays(BACKFILL, BACKFILL + 10); // while it is down
    RuleMetrics second = new RuleMetrics();
    deploy(restarted, "r2", second);
    awaitCaughtUp();
    publishDays(BACKFILL + 10, BACKFILL + 35);
    awaitCaughtUp();

    assertEquals(PARTITIONS, second.partitionsRestored(), second.snapshot().toString());
    assertEquals(0, second.recordsReplayed(), "nothing replayed: " + second.snapshot());
    assertSameAlerts();
  }

  @Test
  void partitionsMovedToAnotherInstanceAreRestoredFromTheChangelog() {
    setUp();
    deploy(uninterrupted, "u", new RuleMetrics());
    RuleMetrics a = new RuleMetrics();
    String idA = deploy(restarted, "ra", a);
    Await.until(() -> a.assignedPartitions() == PARTITIONS, KafkaFixture.WAIT);
    publishBackfill();
    awaitCaughtUp();
    // WHEN a second instance joins (both rebuild), days arrive, and the first one leaves
    RuleMetrics b = new RuleMetrics();
    deploy(restarted, "rb", b);
    Await.until(() -> a.assignedPartitions() + b.assignedPartitions() == PARTITIONS && b.assignedPartitions() > 0,
        KafkaFixture.WAIT);
    publishDays(BACKFILL, BACKFILL + 15);
    awaitCaughtUp();
    kafka.undeploy(idA);
    Await.until(() -> b.assignedPartitions() == PARTITIONS, KafkaFixture.WAIT);
    publishDays(BACKFILL + 15, BACKFILL + 35);
    awaitCaughtUp();

    assertEquals(0, a.recordsReplayed() + b.recordsReplayed(), a.snapshot() + " " + b.snapshot());
    assertTrue(b.partitionsRestored() >= PARTITIONS, "b restored all it got: " + b.snapshot());
    assertSameAlerts();
  }

  @Test
  void aBrokenChangelogFallsBackToTheReplayAndIsWholeAgainAfterTheNextCommit() {
    setUp();
    String first = backfillBothStages();
    kafka.undeploy(first);
    // WHEN one partition's newest state of a package is garbage and another's checkpoint is wrong
    String corrupt = series.get(2).pkg();
    int corruptPartition = KafkaClients.partitionOf(corrupt, PARTITIONS);
    int wrongPartition = (corruptPartition + 1) % PARTITIONS;
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      p.send(new ProducerRecord<>(restarted.ruleState(), corruptPartition, corrupt,
          "not a rule state".getBytes(StandardCharsets.UTF_8)));
      p.send(new ProducerRecord<>(restarted.ruleState(), wrongPartition, RuleStateChangelog.CHECKPOINT,
          RuleStateCodec.encodeCheckpoint(1)));
    }
    publishDays(BACKFILL, BACKFILL + 10);
    RuleMetrics second = new RuleMetrics();
    String secondId = deploy(restarted, "r2", second);
    awaitCaughtUp();
    // THEN those two are replayed, the third restored
    assertEquals(PARTITIONS - 2, second.partitionsRestored(), second.snapshot().toString());
    assertTrue(second.recordsReplayed() > 0, second.snapshot().toString());
    // AND once days arrive on every partition the changelog is whole again: the next start replays nothing
    publishDays(BACKFILL + 10, BACKFILL + 20);
    awaitCaughtUp();
    kafka.undeploy(secondId);
    RuleMetrics third = new RuleMetrics();
    deploy(restarted, "r3", third);
    publishDays(BACKFILL + 20, BACKFILL + 35);
    awaitCaughtUp();
    assertEquals(PARTITIONS, third.partitionsRestored(), third.snapshot().toString());
    assertEquals(0, third.recordsReplayed(), third.snapshot().toString());
    assertSameAlerts();
  }

  @Test
  void withoutTheTopicTheStageReplaysAsBefore() throws Exception {
    setUp();
    kafka.admin().deleteTopics(List.of(restarted.ruleState())).all().get();
    Await.until(() -> !topicNames().contains(restarted.ruleState()), KafkaFixture.WAIT);
    String first = backfillBothStages();
    kafka.undeploy(first);
    publishDays(BACKFILL, BACKFILL + 10);
    RuleMetrics second = new RuleMetrics();
    deploy(restarted, "r2", second);
    awaitCaughtUp();
    publishDays(BACKFILL + 10, BACKFILL + 35);
    awaitCaughtUp();
    assertEquals(0, second.partitionsRestored(), second.snapshot().toString());
    assertTrue(second.recordsReplayed() > 0, second.snapshot().toString());
    assertSameAlerts();
  }

  @Test
  void aTrailingAbortedTransactionIsCommittedPastAndTheRestartRestoresFromTheChangelog() {
    setUp();
    String first = backfillBothStages();
    // WHEN a poller's transaction is aborted at the end of every downloads partition (a killed
    // instance's, aborted by its restart): only a marker follows the last record a reader gets
    Map<TopicPartition, Long> before = KafkaTesting.endOffsets(kafka.admin(), uninterrupted.downloads(),
        IsolationLevel.READ_UNCOMMITTED);
    try (KafkaProducer<String, byte[]> p = clients.newProducer("changelog-aborting-" + seq)) {
      p.initTransactions();
      p.beginTransaction();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        p.send(new ProducerRecord<>(uninterrupted.downloads(), partition, "aborted",
            "never read".getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
      p.abortTransaction();
    }
    // THEN both groups commit their offsets at the log's end, past the abort markers (each partition
    // got a record and a marker; the coordinator writes the markers after abortTransaction returns)
    Map<TopicPartition, Long> logEnd = new HashMap<>();
    before.forEach((tp, end) -> logEnd.put(tp, end + 2));
    Await.until(() -> KafkaTesting.endOffsets(kafka.admin(), uninterrupted.downloads(),
        IsolationLevel.READ_UNCOMMITTED).equals(logEnd), KafkaFixture.WAIT);
    for (String group : List.of("changelog-u-" + seq, "changelog-r-" + seq)) {
      Await.until(() -> KafkaTesting.committedOffsets(kafka.admin(), group, uninterrupted.downloads()).equals(logEnd),
          KafkaFixture.WAIT, () -> "group " + group + " committed "
              + KafkaTesting.committedOffsets(kafka.admin(), group, uninterrupted.downloads()) + ", log end " + logEnd);
    }
    // AND a restart finds the changelog's checkpoints at those offsets: restored, nothing replayed
    kafka.undeploy(first);
    RuleMetrics second = new RuleMetrics();
    deploy(restarted, "r2", second);
    publishDays(BACKFILL, BACKFILL + 35);
    awaitCaughtUp();
    assertEquals(PARTITIONS, second.partitionsRestored(), second.snapshot().toString());
    assertEquals(0, second.recordsReplayed(), "nothing replayed: " + second.snapshot());
    assertSameAlerts();
  }

  private static Set<String> topicNames() {
    try {
      return kafka.admin().listTopics().names().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deploys the uninterrupted stage and a first restarted one, publishes the backfill; the first's id. */
  private String backfillBothStages() {
    deploy(uninterrupted, "u", new RuleMetrics());
    String first = deploy(restarted, "r1", new RuleMetrics());
    publishBackfill();
    awaitCaughtUp();
    return first;
  }

  private String deploy(Topics topics, String transactionalId, RuleMetrics metrics) {
    String group = topics == uninterrupted ? "changelog-u-" + seq : "changelog-r-" + seq;
    AlertStream stream = new AlertStream(clients, topics, group, transactionalId + "-" + seq,
        () -> new RuleEngine(RulesConfig.DEFAULTS), Set.of(ALL), metrics, a -> false);
    return kafka.deploy(new RuleVerticle(stream, metrics));
  }

  private void awaitCaughtUp() {
    for (Topics t : List.of(uninterrupted, restarted)) {
      kafka.awaitCommittedToEnd(t == uninterrupted ? "changelog-u-" + seq : "changelog-r-" + seq, t.downloads());
      kafka.awaitSettled(t.alerts());
    }
  }

  private void assertSameAlerts() {
    List<String> expected = alerts(uninterrupted);
    assertTrue(expected.stream().anyMatch(a -> a.endsWith(" after")),
        "the reference run fires after the backfill: " + expected);
    assertEquals(expected, alerts(restarted));
  }

  /** Every transition published, in a stable order, with whether it is of a day after the backfill. */
  private List<String> alerts(Topics t) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : KafkaTesting.consumeToEnd(clients, t.alerts(), KafkaFixture.WAIT)) {
      Alert a = AlertCodec.decode(r.value());
      out.add(a.fingerprint() + " " + a.state().wire() + " " + a.date() + " " + a.severity() + " "
          + (a.date().isBefore(date(BACKFILL)) ? "backfill" : "after"));
    }
    return out.stream().sorted().toList();
  }

  private void publishBackfill() {
    for (RealSeries s : series) {
      List<DownloadObservation> obs = new ArrayList<>();
      for (int d = 0; d < BACKFILL; d++) {
        obs.addAll(observations(s, d));
      }
      publisher.publishBatch(s.pkg(), obs, List.of(), "{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One poll-like transaction per package and day, the reference first. */
  private void publishDays(int from, int to) {
    for (int d = from; d < to; d++) {
      for (RealSeries s : series) {
        publisher.publishBatch(s.pkg(), observations(s, d), List.of(), "{}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Day {@code i} of {@code s}: its OS counts and their sum as overall (with and without mirrors). */
  private static List<DownloadObservation> observations(RealSeries s, int i) {
    List<DownloadObservation> out = new ArrayList<>();
    Map<String, Long> day = s.days().get(i);
    long total = 0;
    for (Map.Entry<String, Long> e : day.entrySet()) {
      if (!s.pkg().equals(ALL)) { // the reference is an overall series
        out.add(observation(s.pkg(), Endpoint.SYSTEM, e.getKey(), i, e.getValue()));
      }
      total += e.getValue();
    }
    out.add(observation(s.pkg(), Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, i, total));
    out.add(observation(s.pkg(), Endpoint.OVERALL, Categories.WITH_MIRRORS, i, total));
    return out;
  }

  private static DownloadObservation observation(String pkg, Endpoint endpoint, String category, int i, long n) {
    return new DownloadObservation(new DownloadRecord(pkg, endpoint, category, date(i), n), Origin.REPORTED, null,
        Instant.parse("2026-03-10T02:00:00Z"), "https://pypistats.org/api/packages/" + pkg + "/" + endpoint.path());
  }

  private static LocalDate date(int i) {
    return SyntheticSeries.FIRST.plusDays(i);
  }
}

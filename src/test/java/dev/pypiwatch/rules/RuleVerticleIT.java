package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.KafkaConfig;
import dev.pypiwatch.config.KafkaConfig.TopicsConfig;
import dev.pypiwatch.events.AlertStream;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.CloudEventHeaders;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadPublisher;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.EmbeddedKafka;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.KafkaClients;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.TopicAdmin;
import dev.pypiwatch.events.Topics;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rule verticle against the real (in-process) broker: poll-like transactional batches in, alert
 * transitions out, exactly once across restarts, rebalances and poison records. The detector is
 * {@link ThresholdAlertSource}, so expected alerts can be written down.
 */
class RuleVerticleIT {
  private static final LocalDate DAY0 = LocalDate.of(2026, 3, 1);
  private static final int DAYS = 8;
  private static final long M = 1_000_000;
  // alpha: fires on day 2, resolves on day 5, fires on day 6, resolves on day 7 (firing across day 3/4).
  private static final long[] ALPHA = {10, 10, 2 * M, 3 * M, 3 * M, 10, 2 * M, 10};
  // beta: fires on day 0, resolves on day 2, fires on day 4, resolves on day 7 (resolved across day 3/4).
  private static final long[] BETA = {5 * M, 5 * M, 1, 1, 2 * M, 2 * M, 2 * M, 1};
  private static final Duration WAIT = Duration.ofSeconds(45);

  private static EmbeddedKafka broker;
  private static Vertx vertx;
  private static int seq;

  private TopicsConfig topicsConfig;
  private Topics topics;
  private KafkaClients clients;
  private DownloadPublisher publisher;
  private String group;
  private final Map<String, long[]> series = new LinkedHashMap<>();

  @BeforeAll
  static void startBroker() {
    broker = KafkaTesting.startBroker();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopBroker() {
    Await.result(vertx.close());
    broker.close();
  }

  @AfterEach
  void closePublisher() {
    for (String id : vertx.deploymentIDs()) {
      Await.result(vertx.undeploy(id));
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  private void setUp(int partitions) {
    seq++;
    topicsConfig = KafkaTesting.uniqueTopics("rules", partitions);
    topics = Topics.from(topicsConfig);
    // Quick heartbeats: a rebalance is noticed within ~0.3 s instead of 3 s.
    KafkaConfig config = new KafkaConfig("", java.nio.file.Path.of("unused"), 0, topicsConfig, Map.of(), Map.of(),
        Map.of("heartbeat.interval.ms", "300"));
    clients = KafkaTesting.clients(broker, config);
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureTopics(admin, topicsConfig);
    }
    publisher = new DownloadPublisher(clients, topics, "test-poller-" + seq);
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
    Await.result(vertx.undeploy(first));
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
    Await.result(vertx.undeploy(idA));
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

  private String deploy(String transactionalId, RuleMetrics metrics) {
    return deploy(transactionalId, metrics, ThresholdAlertSource::new);
  }

  private String deploy(String transactionalId, RuleMetrics metrics, Supplier<AlertSource> engines) {
    AlertStream stream = new AlertStream(clients, topics, group, transactionalId, engines, metrics);
    return Await.result(vertx.deployVerticle(new RuleVerticle(stream, metrics)));
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

  /** Waits until the group has committed the end of every downloads partition (so all alerts are out). */
  private void awaitCaughtUp() {
    Await.until(this::caughtUp, WAIT);
  }

  private boolean caughtUp() {
    try (Admin admin = clients.newAdmin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
      for (int p = 0; p < topicsConfig.partitions(); p++) {
        latest.put(new TopicPartition(topics.downloads(), p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
      return ends.entrySet().stream().allMatch(e -> {
        OffsetAndMetadata c = committed.get(e.getKey());
        return (c == null ? 0 : c.offset()) >= e.getValue().offset();
      });
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The first of pkg-0, pkg-1, ... that the default partitioner puts on {@code partition}. */
  private static String packageOnPartition(int partition, int partitions) {
    for (int i = 0; ; i++) {
      String pkg = "pkg-" + i;
      if (Utils.toPositive(Utils.murmur2(pkg.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
        return pkg;
      }
    }
  }
}

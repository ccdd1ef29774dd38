package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaCluster;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A genuine loss of a commit's markers, without a restart: on a 3-node cluster, the broker leading
 * the batch's partitions (replication factor 1), not the transaction coordinator, is frozen
 * ({@code SIGSTOP}) once every record of pkg-a's batch is acknowledged. The coordinator logs the
 * commit once the controller has fenced that broker (which takes it out of the transaction log's
 * replicas), the poller's commit returns, and the markers are skipped: Kafka's coordinator skips a
 * partition it finds no leader for. After the thaw the transaction hangs in pkg-a's partitions; a
 * later replacement of the poller's producer aborts it, and the poller must send pkg-a's batch again.
 */
class StalledMarkersIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Clock CLOCK = Clock.fixed(TODAY.atTime(3, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
  private static final String ID = "stalled-markers-poller";

  @TempDir Path dir;

  @Test
  void aCommitAcknowledgedWhoseMarkersTheBrokerSkippedIsSentAgainOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
      String all = cluster.bootstrapServers();
      initialize(all);
      int coordinator;
      try (Admin admin = admin(all)) {
        coordinator = admin.describeTransactions(List.of(ID)).description(ID).get(60, TimeUnit.SECONDS)
            .coordinatorId();
      }
      int stalled = coordinator % 3; // node.id of another node (ids are 1..3; index = id - 1)
      int stalledId = stalled + 1;
      String others = IntStream.range(0, 3).filter(i -> i != stalled)
          .mapToObj(i -> cluster.node(i).bootstrapServers()).collect(Collectors.joining(","));
      TopicsConfig topicsConfig = KafkaTesting.uniqueTopics("stalled-markers", 1);
      Topics topics = Topics.from(topicsConfig);
      try (Admin admin = admin(all)) {
        admin.createTopics(List.of(topics.downloads(), topics.recent(), topics.pollerState()).stream()
            .map(t -> new NewTopic(t, Map.of(0, List.of(stalledId))).configs(Map.of("min.insync.replicas", "1")))
            .toList()).all().get(60, TimeUnit.SECONDS);
      }
      KafkaClients clients = new KafkaClients(KafkaTesting.config(topicsConfig,
          Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, FreezeWhenAcknowledged.class.getName())), all);

      SimulatedUpstream sim = new SimulatedUpstream(3).setToday(TODAY)
          .addPackage("pkg-a", Profile.busy(20_000))
          .addPackage("pkg-c", Profile.busy(1_000))
          .addPackage("pkg-d", Profile.busy(5_000));
      FakePypiStats upstream = Await.result(FakePypiStats.start(vertx)).serve(sim);
      PypiStatsClient client = new PypiStatsClient(vertx, new ApiConfig(upstream.baseUrl(), "", Duration.ZERO, 2,
          Duration.ofSeconds(30), 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1),
          4L * 1024 * 1024));
      try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, ID)) {
        Poller poller = new Poller(client, publisher, vertx.createSharedWorkerExecutor("stalled-markers", 1), Map.of(),
            "", CLOCK, new PollMetrics());
        assertEquals(Set.of("pkg-c"), Await.result(poller.poll(List.of("pkg-c")), WAIT).fresh());

        FreezeWhenAcknowledged.arm(() -> cluster.node(stalled).freeze());
        assertEquals(Set.of("pkg-a"), Await.result(poller.poll(List.of("pkg-a")), WAIT).fresh(),
            "pkg-a's commit returned");
        assertTrue(FreezeWhenAcknowledged.fired(), "the leader of pkg-a's partitions was frozen before the commit");
        try (Admin admin = admin(others)) {
          Await.until(() -> quietly(() -> admin.describeTransactions(List.of(ID)).description(ID)
              .get(30, TimeUnit.SECONDS).state() == TransactionState.COMPLETE_COMMIT), WAIT,
              () -> "the coordinator completes the commit");
        }
        cluster.node(stalled).thaw();
        TopicPartition stateTp = new TopicPartition(topics.pollerState(), 0);
        try (Admin admin = admin(all)) {
          Await.until(() -> quietly(() -> admin.describeProducers(List.of(stateTp)).partitionResult(stateTp)
              .get(30, TimeUnit.SECONDS).activeProducers().stream()
              .anyMatch(p -> p.currentTransactionStartOffset().isPresent())), WAIT,
              () -> "pkg-a's transaction left open in its partition: its markers were skipped");
        }
        fence(all);

        Poller.CycleReport report = Await.result(poller.poll(List.of("pkg-d")), WAIT);

        assertEquals(Set.of("pkg-a", "pkg-d"), report.fresh(), "pkg-a polled again in the same cycle");
      }
      Map<String, Long> perRecord = KafkaTesting.consumeToEnd(clients, topics.downloads(), WAIT).stream()
          .map(r -> EventCodec.decodeDownload(r.value()).record())
          .collect(Collectors.groupingBy(r -> r.toString(), Collectors.counting()));
      assertTrue(perRecord.values().stream().allMatch(n -> n == 1), "a record committed twice");
      assertTrue(perRecord.keySet().stream().filter(r -> r.contains("pkg-a")).count() > 500,
          "pkg-a's whole window committed");
      assertEquals(List.of("pkg-a", "pkg-c", "pkg-d"), KafkaTesting.consumeToEnd(clients, topics.pollerState(), WAIT)
          .stream().map(ConsumerRecord::key).sorted().toList(), "one state per package");
    } finally {
      FreezeWhenAcknowledged.arm(null);
      Await.result(vertx.close());
    }
  }

  /**
   * Freezes, once armed, when every record sent since is acknowledged and a poller-state record
   * (the last of a batch) was among them: in the producer's I/O thread, before the acknowledgement
   * completes, so the commit that follows finds the broker frozen.
   */
  public static final class FreezeWhenAcknowledged implements ProducerInterceptor<String, byte[]> {
    private static volatile Runnable freeze;
    private static volatile boolean fired;
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final AtomicInteger ACKED = new AtomicInteger();
    private static volatile boolean stateSent;

    static synchronized void arm(Runnable action) {
      SENT.set(0);
      ACKED.set(0);
      stateSent = false;
      fired = false;
      freeze = action;
    }

    static boolean fired() {
      return fired;
    }

    @Override
    public ProducerRecord<String, byte[]> onSend(ProducerRecord<String, byte[]> record) {
      if (freeze != null) {
        SENT.incrementAndGet();
        stateSent |= record.topic().endsWith(".poller-state");
      }
      return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
      Runnable f = freeze;
      if (f != null && exception == null && ACKED.incrementAndGet() == SENT.get() && stateSent) {
        freeze = null;
        f.run();
        fired = true;
      }
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
  }

  /** The condition's answer; false while it fails (the frozen broker's partitions unavailable). */
  private static boolean quietly(java.util.concurrent.Callable<Boolean> condition) {
    try {
      return condition.call();
    } catch (Exception e) {
      return false;
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static void initialize(String bootstrap) {
    try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
      p.initTransactions();
    }
  }

  /** Another producer of the poller's transactional id: the poller's is fenced, and replaced at its next commit. */
  private static void fence(String bootstrap) {
    initialize(bootstrap);
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, ID,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
  }
}

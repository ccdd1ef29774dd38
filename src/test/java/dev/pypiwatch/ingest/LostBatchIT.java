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
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.LostMarkers;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch counted as published whose transaction the broker left without markers, then aborted by
 * a replacement of the poller's producer, in the same process (found by CI: the broker frozen
 * right after pkg-a's commit returned; after the thaw a later commit failed, the replacement
 * aborted pkg-a's batch, and the poller never sent it again).
 *
 * <p>Stand-in for the lost markers ({@link LostMarkers}): pkg-a's batch, as the poller publishes
 * it (computed by a poller of the same upstream and clock on other topics), is written to its
 * partitions in a transaction of the poller's producer id and current epoch that no marker ends,
 * and the poller is given pkg-a's state as if that commit had returned. A genuine loss differs
 * only in how the transaction came to have no markers. The replacement is caused by fencing the
 * poller's producer (another producer of its transactional id), as a commit of unknown outcome or a
 * failed abort would.
 */
class LostBatchIT {
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Clock CLOCK = Clock.fixed(TODAY.atTime(3, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture(LostMarkers.BROKER_SETTINGS);

  @Test
  void aBatchAbortedAfterItsCommitReturnedIsSentAgainOnceAndTheOthersOfItsPartitionAreNot() throws Exception {
    SimulatedUpstream sim = new SimulatedUpstream(3).setToday(TODAY)
        .addPackage("pkg-a", Profile.busy(20_000))
        .addPackage("pkg-d", Profile.busy(5_000))
        .addPackage("pkg-c", Profile.busy(1_000));
    FakePypiStats upstream = Await.result(FakePypiStats.start(kafka.vertx())).serve(sim);
    PypiStatsClient client = new PypiStatsClient(kafka.vertx(), new ApiConfig(upstream.baseUrl(), "", Duration.ZERO,
        2, Duration.ofSeconds(30), 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1),
        4L * 1024 * 1024));
    WorkerExecutor worker = kafka.vertx().createSharedWorkerExecutor("lost-batch", 1);

    // pkg-a's batch as the poller publishes it: on other topics, by a poller of the same upstream and clock.
    TopicsConfig scratchConfig = kafka.createTopics("lost-batch-scratch", 1);
    KafkaClients scratchClients = kafka.clients(KafkaTesting.config(scratchConfig, Map.of()));
    Topics scratch = Topics.from(scratchConfig);
    try (DownloadPublisher publisher = new DownloadPublisher(scratchClients, scratch, "lost-batch-scratch")) {
      Poller poller = new Poller(client, publisher, worker, Map.of(), "", CLOCK, new PollMetrics());
      assertEquals(Set.of("pkg-a"), Await.result(poller.poll(List.of("pkg-a")), WAIT).fresh());
    }
    List<ConsumerRecord<String, byte[]>> batchA = KafkaTesting.consumeToEnd(scratchClients, scratch.downloads(), WAIT);
    byte[] stateA = KafkaTesting.consumeToEnd(scratchClients, scratch.pollerState(), WAIT).get(0).value();
    assertTrue(batchA.size() > 500, "pkg-a's whole window: " + batchA.size());

    // Two partitions: pkg-a and pkg-c share theirs, where the abort is; pkg-d, whose commit is fenced, has the other.
    TopicsConfig topicsConfig = kafka.createTopics("lost-batch", 2);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topicsConfig, Map.of()));
    int partition = KafkaClients.partitionOf("pkg-a", 2);
    assertEquals(partition, KafkaClients.partitionOf("pkg-c", 2));
    assertTrue(partition != KafkaClients.partitionOf("pkg-d", 2));
    Topics topics = Topics.from(topicsConfig);
    String id = "lost-batch-poller";
    PollMetrics metrics = new PollMetrics();
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, id)) {
      Poller poller = new Poller(client, publisher, worker, Map.of("pkg-a", PollerState.fromBytes(stateA)), "", CLOCK,
          metrics);
      assertEquals(Set.of("pkg-c"), Await.result(poller.poll(List.of("pkg-c")), WAIT).fresh());
      KafkaTesting.awaitSettled(clients, topics.pollerState(), WAIT);
      // pkg-a's batch, committed as far as the poller knows, without its markers.
      LostMarkers.leaveOpen(kafka.admin(), kafka.bootstrapServers(), id, new TopicPartition(topics.downloads(), partition),
          batchA.stream().map(r -> Map.entry(r.key(), r.value())).toList());
      LostMarkers.leaveOpen(kafka.admin(), kafka.bootstrapServers(), id, new TopicPartition(topics.pollerState(), partition),
          List.of(Map.entry("pkg-a", stateA)));
      fence(id);

      Poller.CycleReport report = Await.result(poller.poll(List.of("pkg-d")), WAIT);

      assertEquals(Set.of("pkg-a", "pkg-d"), report.fresh(), "pkg-a polled again in the same cycle");
    }
    Map<String, Long> perRecord = KafkaTesting.consumeToEnd(clients, topics.downloads(), WAIT).stream()
        .map(r -> EventCodec.decodeDownload(r.value()).record().toString())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    batchA.forEach(r -> assertEquals(1L, perRecord.get(EventCodec.decodeDownload(r.value()).record().toString()),
        "pkg-a's record once: " + EventCodec.decodeDownload(r.value()).record()));
    assertTrue(perRecord.values().stream().allMatch(n -> n == 1), "a record committed twice");
    List<String> states = KafkaTesting.consumeToEnd(clients, topics.pollerState(), WAIT).stream()
        .map(ConsumerRecord::key).sorted().toList();
    assertEquals(List.of("pkg-a", "pkg-c", "pkg-d"), states,
        "pkg-a's batch sent again once; pkg-c's, read back as published, not again");
  }

  /** Another producer of {@code transactionalId}: the poller's is fenced, and replaced at its next commit. */
  private static void fence(String transactionalId) {
    try (KafkaProducer<String, byte[]> other = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
      other.initTransactions();
    }
  }
}

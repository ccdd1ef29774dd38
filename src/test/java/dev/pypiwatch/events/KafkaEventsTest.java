package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.ingest.PollerStateStore;
import dev.pypiwatch.ingest.PublishException;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.outbound.RetryPolicy;
import dev.pypiwatch.testing.KafkaTesting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topics, publishing and reading back against one real embedded broker. */
class KafkaEventsTest {
  private static final Duration DEADLINE = dev.pypiwatch.testing.Await.DEFAULT;
  private static EmbeddedKafka broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaTesting.startBroker();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static KafkaClients setUp(TopicsConfig topics, Map<String, String> producer) {
    KafkaClients clients = KafkaTesting.clients(broker, KafkaTesting.config(topics, producer));
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureTopics(admin, topics);
    }
    return clients;
  }

  @Test
  void createsMissingTopicsWithPartitionsAndCompactionOnce() throws Exception {
    TopicsConfig t = KafkaTesting.uniqueTopics("create", 3);
    KafkaClients clients = KafkaTesting.clients(broker, KafkaTesting.config(t, Map.of()));
    try (Admin admin = clients.newAdmin()) {
      assertEquals(Set.of(t.downloads(), t.recent(), t.pollerState(), t.alerts(), t.silences(), t.ruleState()),
          TopicAdmin.ensureTopics(admin, t));
      assertEquals(Set.of(), TopicAdmin.ensureTopics(admin, t));
      Map<String, TopicDescription> d = admin.describeTopics(Topics.from(t).all()).allTopicNames().get();
      d.values().forEach(td -> assertEquals(3, td.partitions().size(), td.name()));
      assertEquals("compact", cleanupPolicy(admin, t.pollerState()));
      assertEquals("compact", cleanupPolicy(admin, t.alerts()));
      assertEquals("compact", cleanupPolicy(admin, t.silences()));
      assertEquals("compact", cleanupPolicy(admin, t.ruleState()));
      assertEquals("delete", cleanupPolicy(admin, t.downloads()));
    }
  }

  private static String cleanupPolicy(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value();
  }

  @Test
  void publishesABatchVisibleToReadCommittedConsumers() {
    TopicsConfig t = KafkaTesting.uniqueTopics("publish", 2);
    KafkaClients clients = setUp(t, Map.of());
    List<DownloadObservation> downloads =
        List.of(Samples.download("pip", "2026-03-31", 100), Samples.download("pip", "2026-04-01", 123));
    RecentObservation recent = Samples.recent("pip", 123L, 800L, 3000L);
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-publish")) {
      pub.publishBatch("pip", downloads, List.of(recent), "state-1".getBytes(UTF_8));
    }
    List<ConsumerRecord<String, byte[]>> got = KafkaTesting.consumeToEnd(clients, t.downloads(), DEADLINE);
    assertEquals(downloads, got.stream().map(r -> EventCodec.decodeDownload(r.value())).toList());
    for (int i = 0; i < got.size(); i++) {
      ConsumerRecord<String, byte[]> r = got.get(i);
      assertEquals("pip", r.key());
      assertArrayEquals(EventCodec.encode(downloads.get(i)), r.value());
      assertHeaders(r, Ids.downloadId(downloads.get(i)), "dev.pypiwatch.download.v1");
    }
    List<ConsumerRecord<String, byte[]>> rec = KafkaTesting.consumeToEnd(clients, t.recent(), DEADLINE);
    assertEquals(1, rec.size());
    assertEquals(recent, EventCodec.decodeRecent(rec.get(0).value()));
    assertHeaders(rec.get(0), Ids.recentId(recent), "dev.pypiwatch.recent.v1");
    List<ConsumerRecord<String, byte[]>> state = KafkaTesting.consumeToEnd(clients, t.pollerState(), DEADLINE);
    assertEquals(1, state.size());
    assertEquals("pip", state.get(0).key());
    assertEquals("state-1", new String(state.get(0).value(), UTF_8));
  }

  private static void assertHeaders(ConsumerRecord<String, byte[]> r, String id, String type) {
    assertEquals("1.0", CloudEventHeaders.text(r.headers(), "ce_specversion"));
    assertEquals(id, CloudEventHeaders.text(r.headers(), "ce_id"));
    assertEquals("/pypiwatch/poller", CloudEventHeaders.text(r.headers(), "ce_source"));
    assertEquals(type, CloudEventHeaders.text(r.headers(), "ce_type"));
    assertEquals("2026-04-02T02:00:03.120Z", CloudEventHeaders.text(r.headers(), "ce_time"));
    assertEquals("pip", CloudEventHeaders.text(r.headers(), "ce_subject"));
    assertEquals("application/json", CloudEventHeaders.text(r.headers(), "content-type"));
  }

  @Test
  void keepsEachPackageInOnePartitionInOrder() {
    TopicsConfig t = KafkaTesting.uniqueTopics("order", 4);
    KafkaClients clients = setUp(t, Map.of());
    List<String> pkgs = List.of("pip", "numpy", "requests", "django", "flask");
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-order")) {
      for (int day = 1; day <= 5; day++) {
        for (String pkg : pkgs) {
          pub.publishBatch(pkg, List.of(Samples.download(pkg, "2026-03-0" + day, day)), List.of(), new byte[] {1});
        }
      }
    }
    List<ConsumerRecord<String, byte[]>> got = KafkaTesting.consumeToEnd(clients, t.downloads(), DEADLINE);
    assertEquals(25, got.size());
    Map<String, List<ConsumerRecord<String, byte[]>>> byPkg =
        got.stream().collect(Collectors.groupingBy(ConsumerRecord::key));
    for (String pkg : pkgs) {
      List<ConsumerRecord<String, byte[]>> rs = byPkg.get(pkg);
      assertEquals(1, rs.stream().map(ConsumerRecord::partition).distinct().count(), pkg);
      List<Long> counts = rs.stream().map(r -> EventCodec.decodeDownload(r.value()).record().downloads()).toList();
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), counts, pkg);
    }
  }

  @Test
  void abortedTransactionIsInvisibleToReadCommitted() {
    TopicsConfig t = KafkaTesting.uniqueTopics("abort", 1);
    KafkaClients clients = setUp(t, Map.of());
    try (KafkaProducer<String, byte[]> raw = clients.newProducer("tx-abort-raw")) {
      raw.initTransactions();
      raw.beginTransaction();
      raw.send(new ProducerRecord<>(t.downloads(), "pip", EventCodec.encode(Samples.download("pip", "2026-01-01", 9))));
      raw.flush();
      raw.abortTransaction();
    }
    DownloadObservation committed = Samples.download("pip", "2026-01-02", 7);
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-abort")) {
      pub.publishBatch("pip", List.of(committed), List.of(), new byte[] {2});
    }
    List<ConsumerRecord<String, byte[]>> got = KafkaTesting.consumeToEnd(clients, t.downloads(), DEADLINE);
    assertEquals(List.of(committed), got.stream().map(r -> EventCodec.decodeDownload(r.value())).toList());
    assertTrue(got.get(0).offset() >= 2, "the aborted record and its marker come first");
  }

  @Test
  void pollerStateReadBackIsLatestPerPackage() {
    TopicsConfig t = KafkaTesting.uniqueTopics("state", 3);
    KafkaClients clients = setUp(t, Map.of());
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-state")) {
      pub.publishBatch("pip", List.of(), List.of(), "pip-1".getBytes(UTF_8));
      pub.publishBatch("numpy", List.of(), List.of(), "numpy-1".getBytes(UTF_8));
      pub.publishBatch("pip", List.of(), List.of(), "pip-2".getBytes(UTF_8));
    }
    // commitTransaction() returns before the commit markers are written: wait for them, as a restart would.
    KafkaTesting.awaitSettled(clients, t.pollerState(), DEADLINE);
    Map<String, byte[]> state = PollerStateStore.readLatest(clients, t.pollerState(), DEADLINE);
    assertEquals(Set.of("pip", "numpy"), state.keySet());
    assertEquals("pip-2", new String(state.get("pip"), UTF_8));
    assertEquals("numpy-1", new String(state.get("numpy"), UTF_8));
  }

  @Test
  void fencedPublisherRecreatesItsProducerAndPublishes() {
    TopicsConfig t = KafkaTesting.uniqueTopics("fence", 1);
    KafkaClients clients = setUp(t, Map.of());
    try (DownloadPublisher first = new DownloadPublisher(clients, Topics.from(t), "tx-fence");
        DownloadPublisher second = new DownloadPublisher(clients, Topics.from(t), "tx-fence")) {
      second.publishBatch("pip", List.of(Samples.download("pip", "2026-02-01", 1)), List.of(), new byte[] {1});
      first.publishBatch("pip", List.of(Samples.download("pip", "2026-02-02", 2)), List.of(), new byte[] {2});
    }
    List<ConsumerRecord<String, byte[]>> got = KafkaTesting.consumeToEnd(clients, t.downloads(), DEADLINE);
    assertEquals(List.of(1L, 2L),
        got.stream().map(r -> EventCodec.decodeDownload(r.value()).record().downloads()).toList());
  }

  @Test
  void missingTopicFailsWithPackageAndRecordCountAfterRetries() {
    TopicsConfig t = KafkaTesting.uniqueTopics("missing", 1);
    // Short enough for two failed sends to be quick, long enough for initTransactions on a busy machine.
    KafkaConfig cfg = KafkaTesting.config(t, Map.of("max.block.ms", "3000"));
    KafkaClients clients = KafkaTesting.clients(broker, cfg); // topics deliberately not created
    RetryPolicy retry = new RetryPolicy(2, Duration.ofMillis(50), Duration.ofSeconds(10), RetryPolicy.Jitter.NONE);
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-missing", retry)) {
      PublishException e = assertThrows(PublishException.class, () -> pub.publishBatch(
          "pip", List.of(Samples.download("pip", "2026-02-01", 1)), List.of(), new byte[] {1}));
      assertEquals("pip", e.packageName());
      assertEquals(2, e.records());
      assertTrue(e.getMessage().contains("2 records of package pip") && e.getMessage().contains("2 attempts"),
          e.getMessage());
    }
  }

  @Test
  void rejectsObservationsOfAnotherPackage() {
    TopicsConfig t = KafkaTesting.uniqueTopics("foreign", 1);
    KafkaClients clients = setUp(t, Map.of());
    try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-foreign")) {
      assertThrows(IllegalArgumentException.class, () -> pub.publishBatch(
          "pip", List.of(Samples.download("numpy", "2026-02-01", 1)), List.of(), new byte[] {1}));
    }
  }
}

package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long-lived reader read to its end again and again, as the rule stage's reference reader and the
 * notifier's readers are between alerts. A poll leaves a fetch in flight, which the broker holds
 * back until new records are committed or {@code fetch.max.wait.ms} passes, and it answers a
 * connection's requests in order: the next read's end offsets waited behind that fetch (500 ms by
 * default, on the path of every alert). Readers' fetches wait only briefly, whatever {@code
 * kafka.consumer} says.
 */
class TopicReaderIT {
  /** Far longer than a read may take ({@link #READ}): a read that waits it out fails. */
  private static final Map<String, String> LONG_FETCH_WAIT = Map.of("fetch.max.wait.ms", "60000");
  private static final Duration READ = Duration.ofSeconds(20);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void aReaderReadAgainAfterAPollDoesNotWaitOutTheFetchItLeftInFlight() {
    KafkaConfig.TopicsConfig topics = kafka.createTopics("reader", 3);
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topics, Map.of(), Map.of(), LONG_FETCH_WAIT);
    KafkaClients clients = kafka.clients(config);
    try (KafkaConsumer<String, byte[]> reader = TopicReader.fromBeginning(clients, topics.downloads(), READ);
        KafkaProducer<String, byte[]> producer = clients.newTransactionalProducer("reader-it-" + System.nanoTime())) {
      for (int round = 0; round < 3; round++) {
        producer.beginTransaction();
        for (String key : List.of("a", "b", "c", "d")) {
          producer.send(new ProducerRecord<>(topics.downloads(), key, (key + round).getBytes(StandardCharsets.UTF_8)));
        }
        producer.commitTransaction();
        kafka.awaitSettled(topics.downloads()); // its commit markers written: the read's end includes it
        List<String> read = new ArrayList<>();
        TopicReader.readToEnd(reader, READ, r -> read.add(new String(r.value(), StandardCharsets.UTF_8)));
        read.sort(null);
        assertEquals(List.of("a" + round, "b" + round, "c" + round, "d" + round), read, "round " + round);
        // Nothing new: the fetch the last poll left in flight has nothing to return early with.
        TopicReader.readToEnd(reader, READ, r -> read.add("again: " + r.offset()));
        assertEquals(4, read.size(), "nothing twice");
      }
    }
  }

  @Test
  void aTopicCreatedAfterAnEmptyAnswerIsFoundByTheSameLookUp() throws Exception {
    KafkaConfig config = KafkaTesting.config(KafkaTesting.uniqueTopics("appears", 1), Map.of());
    KafkaClients clients = kafka.clients(config);
    String topic = config.topics().downloads() + ".late";
    CountDownLatch emptyAnswer = new CountDownLatch(1);
    // The real consumer, noting when the broker first answered that the topic does not exist.
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.readerProperties()) {
      @Override
      public List<PartitionInfo> partitionsFor(String t, Duration timeout) {
        List<PartitionInfo> infos = super.partitionsFor(t, timeout);
        if (infos.isEmpty()) {
          emptyAnswer.countDown();
        }
        return infos;
      }
    }) {
      CompletableFuture<List<PartitionInfo>> lookUp =
          CompletableFuture.supplyAsync(() -> TopicReader.partitions(consumer, topic, READ));
      assertTrue(emptyAnswer.await(READ.toSeconds(), TimeUnit.SECONDS), "the topic was missing at first");
      kafka.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      assertEquals(2, lookUp.get(READ.toSeconds(), TimeUnit.SECONDS).size(), "found once created");
    }
  }

  @Test
  void aTopicThatDoesNotExistIsAskedForAgainUntilTheTimeOutThenCountsAsMissing() {
    KafkaClients clients = kafka.clients(KafkaTesting.config(KafkaTesting.uniqueTopics("missing", 1), Map.of()));
    Duration timeout = Duration.ofMillis(600);
    try (KafkaConsumer<String, byte[]> consumer = clients.newReader()) {
      long start = System.nanoTime();
      assertEquals(List.of(), TopicReader.partitions(consumer, "no-such-topic-" + System.nanoTime(), timeout));
      assertTrue(System.nanoTime() - start >= timeout.toNanos(), "asked again for the whole time-out first");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> TopicReader.fromBeginning(clients, "no-such-topic", timeout));
      assertEquals("topic no-such-topic does not exist", e.getMessage());
    }
  }

  @Test
  void aRangeIsReadFromWhereTheCallerHasEachPartitionUpToItsOffsetWhereverTheReaderLeftIt() {
    KafkaConfig.TopicsConfig topics = kafka.createTopics("range", 2);
    KafkaClients clients = kafka.clients(new KafkaConfig("", Path.of("unused"), 0, topics, Map.of(), Map.of(),
        Map.of()));
    org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition(topics.downloads(), 0);
    org.apache.kafka.common.TopicPartition p1 = new org.apache.kafka.common.TopicPartition(topics.downloads(), 1);
    try (KafkaConsumer<String, byte[]> reader = clients.newReader();
        KafkaProducer<String, byte[]> producer = clients.newTransactionalProducer("range-it-" + System.nanoTime())) {
      producer.beginTransaction();
      for (int i = 0; i < 5; i++) {
        for (var tp : List.of(p0, p1)) {
          producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k",
              (tp.partition() + ":" + i).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.commitTransaction();
      kafka.awaitSettled(topics.downloads());
      List<String> read = new ArrayList<>();
      java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> each =
          r -> read.add(new String(r.value(), StandardCharsets.UTF_8));
      TopicReader.readRange(reader, Map.of(p0, 1L, p1, 4L), Map.of(p0, 3L, p1, 4L), READ, each);
      assertEquals(List.of("0:1", "0:2"), read, "partition 1 had nothing to read: from is not below upTo");
      read.clear();
      TopicReader.readRange(reader, Map.of(p0, 0L, p1, 3L), Map.of(p0, 1L, p1, 5L), READ, each);
      read.sort(null);
      assertEquals(List.of("0:0", "1:3", "1:4"), read, "back to an earlier offset, and the other partition");
      read.clear();
      TopicReader.readRange(reader, Map.of(p1, 2L), Map.of(p0, 5L, p1, 3L), READ, each);
      assertEquals(List.of("1:2"), read, "only the partitions given a start");
      assertEquals(java.util.Set.of(p1), reader.assignment());
    }
  }

  @Test
  void readersWaitBrieflyForAFetchWhateverTheConsumerSettingsSay() {
    KafkaConfig config = KafkaTesting.config(KafkaTesting.uniqueTopics("reader", 1), Map.of());
    KafkaClients clients = new KafkaClients(new KafkaConfig("", Path.of("unused"), 0, config.topics(), Map.of(),
        Map.of(), Map.of("fetch.max.wait.ms", "60000", "max.poll.records", "7")), "localhost:1");
    var reader = clients.readerProperties();
    assertEquals(String.valueOf(KafkaClients.READER_FETCH_WAIT.toMillis()), reader.get("fetch.max.wait.ms"));
    assertEquals("7", reader.get("max.poll.records"), "the other consumer settings apply");
    assertEquals("read_committed", reader.get("isolation.level"));
    assertEquals(null, reader.get("group.id"));
    assertEquals("60000", clients.consumerProperties("g").get("fetch.max.wait.ms"), "group consumers keep theirs");
  }
}

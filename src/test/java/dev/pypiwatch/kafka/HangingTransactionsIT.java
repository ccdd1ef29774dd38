package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction left open in a partition (what a lost marker leaves: records sent, no marker)
 * holds read_committed readers back until it is aborted; the abort looks at one producer's older
 * epochs only, and a freshly initialized producer finds nothing to abort.
 */
class HangingTransactionsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void anOpenTransactionOfAnOlderEpochIsAbortedAndNoLongerHoldsReadersBack() throws Exception {
    String topic = kafka.createTopics("hanging", 2).downloads();
    TopicPartition tp = new TopicPartition(topic, 0);
    KafkaProducer<String, String> left = kafka.closeAfterEach(producer("hanging-it"));
    left.initTransactions();
    left.beginTransaction();
    left.send(new ProducerRecord<>(topic, 0, "k", "left open")).get();
    KafkaProducer<String, String> plain = kafka.closeAfterEach(producer(null));
    plain.send(new ProducerRecord<>(topic, 0, "k", "after it")).get();
    assertEquals(List.of(), readCommitted(tp), "the open transaction holds the committed record back");

    TransactionDescription d = kafka.admin().describeTransactions(List.of("hanging-it"))
        .description("hanging-it").get(30, TimeUnit.SECONDS);
    assertEquals(TransactionState.ONGOING, d.state());
    assertEquals(List.of(), HangingTransactions.abortOlderThan(kafka.admin(), d.producerId(), d.producerEpoch(),
        List.of(topic), TIMEOUT), "a transaction of the current epoch is not hanging");

    List<AbortTransactionSpec> aborted = HangingTransactions.abortOlderThan(kafka.admin(), d.producerId(),
        d.producerEpoch() + 1, List.of(topic), TIMEOUT);

    assertEquals(List.of(tp), aborted.stream().map(AbortTransactionSpec::topicPartition).toList());
    assertEquals(List.of("after it"), readCommitted(tp), "aborted: never visible, and no longer in the way");
  }

  @Test
  void anOffsetCommitLeftOpenIsAbortedAndNoLongerHoldsTheGroupsOffsetFetch() throws Exception {
    String topic = kafka.createTopics("hanging-offsets", 1).downloads();
    TopicPartition tp = new TopicPartition(topic, 0);
    String group = "hanging-offsets-group";
    KafkaProducer<String, String> left = kafka.closeAfterEach(producer("hanging-offsets-it"));
    left.initTransactions();
    left.beginTransaction();
    left.send(new ProducerRecord<>(topic, 0, "k", "left open")).get();
    left.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)), new ConsumerGroupMetadata(group));
    left.flush();
    try (KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", // asks for stable offsets
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      assertThrows(org.apache.kafka.common.errors.TimeoutException.class,
          () -> member.committed(Set.of(tp), Duration.ofSeconds(2)), "the open offset commit holds the fetch");

      TransactionDescription d = kafka.admin().describeTransactions(List.of("hanging-offsets-it"))
          .description("hanging-offsets-it").get(30, TimeUnit.SECONDS);
      List<AbortTransactionSpec> aborted = HangingTransactions.abortOlderThan(kafka.admin(), d.producerId(),
          d.producerEpoch() + 1, List.of(HangingTransactions.GROUP_OFFSETS), TIMEOUT);

      assertEquals(1, aborted.size(), aborted.toString());
      assertEquals(HangingTransactions.GROUP_OFFSETS, aborted.get(0).topicPartition().topic());
      assertNull(member.committed(Set.of(tp), TIMEOUT).get(tp), "aborted: no offset, and the fetch answers");
    }
  }

  @Test
  void aProducerJustInitializedFindsNothingToAbortAndCommits() throws Exception {
    TopicsConfig topics = kafka.createTopics("settled", 1);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topics, Map.of()));
    try (TransactionalProducer p = new TransactionalProducer(clients, "settled-it", List.of(topics.alerts()))) {
      p.commit(List.of(new ProducerRecord<>(topics.alerts(), "k", "one".getBytes())));
    }
    assertEquals(List.of(), HangingTransactions.abort(clients, "settled-it", List.of(topics.alerts()), TIMEOUT));
    assertEquals(List.of("one"), readCommitted(new TopicPartition(topics.alerts(), 0)));
  }

  static KafkaProducer<String, String> producer(String transactionalId) {
    Map<String, Object> props = new java.util.HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    if (transactionalId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(props);
  }

  /** The values a read_committed reader gets from the start of {@code tp} up to its last stable offset. */
  static List<String> readCommitted(TopicPartition tp) {
    return readCommitted(tp, kafka);
  }

  /** As {@link #readCommitted(TopicPartition)}, on the broker of {@code fixture}. */
  static List<String> readCommitted(TopicPartition tp, KafkaFixture fixture) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp), TIMEOUT).get(tp); // read_committed: the last stable offset
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (c.position(tp, TIMEOUT) < end) {
        assertTrue(System.nanoTime() < deadline, "read " + tp + " to " + end + " in " + TIMEOUT);
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }
}

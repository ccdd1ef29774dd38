package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.LostMarkers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replacement of the producer tells its owner where it aborted a transaction the broker had left
 * open without markers: records the owner may have counted as committed are gone there. The lost
 * markers are stood in for by {@link LostMarkers} (records of the producer's id and epoch in a
 * transaction its coordinator does not know, which no marker ends).
 */
class TransactionalProducerIT {
  private static final String ID = "aborted-report-it";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture(LostMarkers.BROKER_SETTINGS);

  @Test
  void aReplacementReportsThePartitionsWhereItAbortedATransactionLeftWithoutMarkers() throws Exception {
    TopicsConfig topics = kafka.createTopics("aborted-report", 2);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topics, Map.of()));
    TopicPartition committed = new TopicPartition(topics.downloads(), 0);
    TopicPartition lost = new TopicPartition(topics.downloads(), 1);
    try (TransactionalProducer producer = new TransactionalProducer(clients, ID, List.of(topics.downloads()))) {
      producer.commit(List.of(record(committed, "committed")));
      LostMarkers.leaveOpen(kafka.admin(), kafka.bootstrapServers(), ID, lost, List.of(Map.entry("k", bytes("lost"))));
      assertEquals(List.of(), producer.takeAborted(), "no replacement yet");

      producer.abortAfter(new CommitOutcomeUnknownException(ID, new TimeoutException("stand-in")));

      assertEquals(List.of(lost), producer.takeAborted(), "where the replacement aborted the lost transaction");
      assertEquals(List.of(), producer.takeAborted(), "reported once");
      producer.commit(List.of(record(lost, "after")));
    }
    assertEquals(List.of("committed"), HangingTransactionsIT.readCommitted(committed, kafka));
    assertEquals(List.of("after"), HangingTransactionsIT.readCommitted(lost, kafka), "the lost records never visible");
  }

  @Test
  void theFirstProducersAbortIsNotReportedItsCreatorReadsAfterIt() throws Exception {
    TopicsConfig topics = kafka.createTopics("aborted-first", 1);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topics, Map.of()));
    TopicPartition tp = new TopicPartition(topics.downloads(), 0);
    try (TransactionalProducer first = new TransactionalProducer(clients, ID + "-first", List.of(topics.downloads()))) {
      LostMarkers.leaveOpen(kafka.admin(), kafka.bootstrapServers(), ID + "-first", tp,
          List.of(Map.entry("k", bytes("lost"))));
    }
    try (TransactionalProducer second = new TransactionalProducer(clients, ID + "-first", List.of(topics.downloads()))) {
      assertEquals(List.of(), second.takeAborted());
      second.commit(List.of(record(tp, "after")));
    }
    assertEquals(List.of("after"), HangingTransactionsIT.readCommitted(tp, kafka), "aborted by the second producer");
  }

  private static ProducerRecord<String, byte[]> record(TopicPartition tp, String value) {
    return new ProducerRecord<>(tp.topic(), tp.partition(), "k", bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

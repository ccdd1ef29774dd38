package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ConsumeCommandIT {

  @Test
  void printsEachValueOnItsOwnLineAndStopsAtTheLimit() throws Exception {
    try (EmbeddedKafka broker = KafkaTesting.startBroker()) {
      var topics = KafkaTesting.uniqueTopics("consume", 2);
      KafkaClients clients = KafkaTesting.clients(broker, KafkaTesting.config(topics, Map.of()));
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, topics);
      }
      try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
        for (String v : List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}")) {
          p.send(new ProducerRecord<>(topics.downloads(), "pkg", v.getBytes(StandardCharsets.UTF_8))).get();
        }
      }

      CliRun all = CliRun.of("consume", "--bootstrap-servers", broker.bootstrapServers(),
          "--topic", topics.downloads(), "--idle-timeout", "3");
      CliRun two = CliRun.of("consume", "--bootstrap-servers", broker.bootstrapServers(),
          "--topic", topics.downloads(), "--max-messages", "2");

      assertEquals(0, all.exitCode(), all.err());
      assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), all.out().lines().toList());
      assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), two.out().lines().toList());
      assertTrue(two.err().contains("consume: 2 message(s)"), two.err());
    }
  }
}

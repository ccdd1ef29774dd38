package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsumeCommandIT {
  /**
   * The "all" run stops after this long without a message. It must exceed the wait for the first
   * records on a loaded machine (joining nothing, but still metadata, offsets and a fetch), or the
   * run ends before reading them; it is also how long that run takes after its last record.
   */
  private static final String IDLE_SECONDS = "20";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void printsEachValueOnItsOwnLineAndStopsAtTheLimit() throws Exception {
    var topics = kafka.createTopics("consume", 2);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topics, Map.of()));
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      for (String v : List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}")) {
        p.send(new ProducerRecord<>(topics.downloads(), "pkg", v.getBytes(StandardCharsets.UTF_8))).get();
      }
    }

    CliRun all = CliRun.of("consume", "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topics.downloads(), "--idle-timeout", IDLE_SECONDS);
    CliRun two = CliRun.of("consume", "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topics.downloads(), "--max-messages", "2");

    assertEquals(0, all.exitCode(), all.err());
    assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), all.out().lines().toList());
    assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), two.out().lines().toList());
    assertTrue(two.err().contains("consume: 2 message(s)"), two.err());
  }
}

package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private static final KafkaConfig CONFIG = new KafkaConfig("broker:9093", Path.of("x"), 0,
      KafkaConfig.TopicsConfig.DEFAULTS,
      Map.of("client.id", "pw-1", "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
          "sasl.jaas.config", "secret-stuff", "bootstrap.servers", "ignored:1"),
      Map.of("linger.ms", "20", "acks", "1"),
      Map.of("max.poll.records", "50", "group.id", "ignored"));

  @Test
  void producerHasDefaultsThenSharedThenProducerProperties() {
    Properties p = KafkaClients.external(CONFIG).producerProperties("tx-1");
    assertEquals("broker:9093", p.get("bootstrap.servers"));
    assertEquals("pw-1", p.get("client.id"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("PLAIN", p.get("sasl.mechanism"));
    assertEquals("20", p.get("linger.ms"));
    assertEquals("1", p.get("acks"), "producer properties override the defaults");
    assertEquals("true", p.get("enable.idempotence"));
    assertEquals("tx-1", p.get("transactional.id"));
    assertEquals("org.apache.kafka.common.serialization.ByteArraySerializer", p.get("value.serializer"));
    assertFalse(KafkaClients.external(CONFIG).producerProperties(null).containsKey("transactional.id"));
    assertFalse(p.containsKey("max.poll.records"));
  }

  @Test
  void transactionalProducersRetrySoonerUnlessTheProducerPropertiesSay() {
    assertEquals("10", KafkaClients.external(CONFIG).producerProperties("tx-1").get("retry.backoff.ms"),
        "a transaction's first offsets wait this long after the group's coordinator is found");
    assertFalse(KafkaClients.external(CONFIG).producerProperties(null).containsKey("retry.backoff.ms"));
    KafkaConfig own = new KafkaConfig("broker:9093", Path.of("x"), 0, KafkaConfig.TopicsConfig.DEFAULTS, Map.of(),
        Map.of("retry.backoff.ms", "250"), Map.of());
    assertEquals("250", KafkaClients.external(own).producerProperties("tx-1").get("retry.backoff.ms"));
  }

  @Test
  void consumerIsReadCommittedWithoutAutoCommit() {
    Properties c = new KafkaClients(CONFIG, "localhost:1234").consumerProperties("g");
    assertEquals("localhost:1234", c.get("bootstrap.servers"));
    assertEquals("read_committed", c.get("isolation.level"));
    assertEquals("false", c.get("enable.auto.commit"));
    assertEquals("pw-1", c.get("client.id"));
    assertEquals("50", c.get("max.poll.records"));
    assertEquals("g", c.get("group.id"));
    assertFalse(c.containsKey("linger.ms"));
    assertFalse(new KafkaClients(CONFIG, "h:1").consumerProperties(null).containsKey("group.id"));
  }

  @Test
  void adminGetsSharedPropertiesAndSecretsAreMasked() {
    Properties a = KafkaClients.external(CONFIG).adminProperties();
    assertEquals("SASL_SSL", a.get("security.protocol"));
    assertFalse(a.containsKey("linger.ms"));
    assertEquals("******", KafkaClients.masked(a).get("sasl.jaas.config"));
  }

  @Test
  void externalNeedsBootstrapServers() {
    assertThrows(IllegalArgumentException.class, () -> KafkaClients.external(KafkaConfig.DEFAULTS));
  }

  @Test
  void partitionOfAKeyIsTheProducers() {
    for (String pkg : List.of("requests", "numpy", "pandas", "zope-interface", "__all__")) {
      for (int n : new int[] {1, 4, 6}) {
        assertEquals(BuiltInPartitioner.partitionForKey(pkg.getBytes(StandardCharsets.UTF_8), n),
            KafkaClients.partitionOf(pkg, n), pkg + " over " + n);
      }
    }
  }

  @Test
  void measuredClientsReportKafkasMetricsUntilTheyClose() {
    // No broker is needed: the clients are only built and closed.
    KafkaConfig plain = new KafkaConfig("localhost:1", Path.of("x"), 0, KafkaConfig.TopicsConfig.DEFAULTS,
        Map.of(), Map.of(), Map.of());
    MeterRegistry meters = new SimpleMeterRegistry();
    KafkaClients clients = new KafkaClients(plain, "localhost:1").measuredBy(meters);

    KafkaProducer<String, byte[]> producer = clients.newProducer(null);
    String producerId = clientId(producer.metrics());
    assertTrue(countOf(meters, producerId) > 10, "producer meters: " + countOf(meters, producerId));
    assertTrue(meters.find("kafka.producer.record.send.total").tag("client.id", producerId).functionCounter() != null);
    producer.close(Duration.ZERO);
    assertEquals(0, countOf(meters, producerId), "unbound when closed");

    for (boolean withTimeout : new boolean[] {false, true}) {
      KafkaConsumer<String, byte[]> consumer = clients.newConsumer(null);
      String consumerId = clientId(consumer.metrics());
      assertTrue(countOf(meters, consumerId) > 10, "consumer meters");
      if (withTimeout) {
        consumer.close(Duration.ZERO);
      } else {
        consumer.close();
      }
      assertEquals(0, countOf(meters, consumerId), "unbound when closed, timeout " + withTimeout);
    }
  }

  private static String clientId(Map<MetricName, ?> metrics) {
    return metrics.keySet().stream().map(n -> n.tags().get("client-id")).filter(id -> id != null).findFirst()
        .orElseThrow();
  }

  private static long countOf(MeterRegistry meters, String clientId) {
    return meters.getMeters().stream().filter(m -> clientId.equals(m.getId().getTag("client.id"))).count();
  }
}

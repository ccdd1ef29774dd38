package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Samples;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.http.ReadModel.AlertQuery;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The feed against a real broker: it reads both topics from the beginning, skips what does not
 * decode, keeps catching up with what arrives later, and each transition counts once.
 */
class ReadModelFeedIT {
  private static final LocalDate DAY = LocalDate.of(2026, 4, 1);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void readsFromTheBeginningSkipsGarbageAndCatchesUp() throws Exception {
    TopicsConfig topics = kafka.createTopics("feed", 2);
    KafkaClients clients = kafka.clients(KafkaTesting.config(topics, Map.of()));
    ReadModel model = new ReadModel();
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      p.send(new ProducerRecord<>(topics.downloads(), "pkg", EventCodec.encode(Samples.download("pkg", "2026-03-31", 10))));
      p.send(new ProducerRecord<>(topics.downloads(), "pkg", "not json".getBytes(StandardCharsets.UTF_8)));
      p.send(new ProducerRecord<>(topics.alerts(), "pkg/spike", AlertCodec.encode(alert(AlertState.FIRING))));
      p.send(new ProducerRecord<>(topics.alerts(), "pkg/spike", "{}".getBytes(StandardCharsets.UTF_8)));
      p.flush();
    }
    ReadModelFeed feed = kafka.closeAfterEach(new ReadModelFeed(clients, topics.downloads(), topics.alerts(), model));
    feed.start();
    Await.until(() -> summary(model).newestDay() != null && model.alerts(all()).size() == 1);
    assertEquals(10L, summary(model).lastDayDownloads());
    assertEquals(1, summary(model).firingAlerts());

    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      p.send(new ProducerRecord<>(topics.downloads(), "pkg", EventCodec.encode(Samples.download("pkg", "2026-04-01", 20))));
      p.send(new ProducerRecord<>(topics.alerts(), "pkg/spike", AlertCodec.encode(alert(AlertState.RESOLVED))));
      p.flush();
    }
    Await.until(() -> DAY.equals(summary(model).newestDay()) && model.alerts(all()).size() == 2);
    assertEquals(20L, summary(model).lastDayDownloads());
    assertEquals(0, summary(model).firingAlerts(), "resolved");
    assertEquals(List.of(AlertState.RESOLVED, AlertState.FIRING),
        model.alerts(all()).stream().map(Alert::state).toList(), "each transition once, newest first");

    long start = System.nanoTime();
    feed.close();
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
        "close wakes the feed up rather than waiting for a timeout");
  }

  private static ReadModel.PackageSummary summary(ReadModel model) {
    return model.packages(List.of("pkg"), DAY, Set.of(), Set.of()).get(0);
  }

  private static AlertQuery all() {
    return new AlertQuery(null, null, null, null);
  }

  private static Alert alert(AlertState state) {
    return new Alert("pkg/spike", "pkg", "spike", "overall", "without_mirrors",
        state == AlertState.FIRING ? DAY.minusDays(2) : DAY.minusDays(1), state, Severity.WARNING, 50, 10, 4,
        "pkg spiked", Alert.linkOf("pkg"));
  }
}

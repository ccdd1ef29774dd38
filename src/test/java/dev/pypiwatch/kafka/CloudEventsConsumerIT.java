package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.RecentDownloads;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.ThresholdAlertSource;
import dev.pypiwatch.rules.stream.AlertStream;
import dev.pypiwatch.rules.stream.RuleVerticle;
import dev.pypiwatch.testing.CloudEventsReader;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A third party reads pypiwatch's topics with the CloudEvents SDK ({@code cloudevents-kafka}'s
 * deserializer): the headers {@link CloudEventHeaders} writes by hand are a valid binary-mode
 * CloudEvent, every attribute as documented, the data the event itself. The events are written by
 * the service's own producers: the poller's {@link DownloadPublisher} and the rule stage's
 * {@link AlertStream} (dead letters: {@code NotifierVerticleIT}).
 */
class CloudEventsConsumerIT {
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final LocalDate DAY = LocalDate.of(2026, 4, 1);
  private static final Instant FETCHED = Instant.parse("2026-04-02T02:00:03.120Z");

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void theSdkReadsEveryAttributeAndTheDataOfDownloadsRecentFiguresAndAlerts() {
    // GIVEN the poller's publisher and a running rule stage
    TopicsConfig layout = kafka.createTopics("ce", 1);
    Topics topics = Topics.from(layout);
    KafkaClients clients = kafka.clients(KafkaTesting.config(layout, Map.of()));
    RuleMetrics metrics = new RuleMetrics();
    kafka.deploy(new RuleVerticle(new AlertStream(clients, topics, "ce-rules", "ce-rules-0", ThresholdAlertSource::new,
        Set.of(), metrics, a -> a.date().isBefore(DAY)), metrics));
    // WHEN the poller publishes a quiet day and a busy one (the threshold detector fires on it)
    List<DownloadObservation> downloads = new ArrayList<>();
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "ce-poller")) {
      for (int d = 0; d < 2; d++) {
        DownloadObservation o = new DownloadObservation(new DownloadRecord("pip", Endpoint.OVERALL,
            Categories.WITHOUT_MIRRORS, DAY.plusDays(d), d == 0 ? 10 : 2_000_000), Origin.REPORTED, null,
            FETCHED.plusSeconds(d), "https://pypistats.org/api/packages/pip/overall");
        RecentObservation recent = new RecentObservation(new RecentDownloads("pip", 10L + d, 70L, 300L), DAY.plusDays(d),
            FETCHED.plusSeconds(d), "https://pypistats.org/api/packages/pip/recent");
        publisher.publishBatch("pip", List.of(o), List.of(recent), "{}".getBytes(StandardCharsets.UTF_8));
        downloads.add(o);
      }
    }

    // THEN a plain KafkaConsumer<String, CloudEvent> reads every download as documented
    List<ConsumerRecord<String, CloudEvent>> read = CloudEventsReader.read(kafka.bootstrapServers(), topics.downloads(),
        2, WAIT);
    for (int i = 0; i < 2; i++) {
      CloudEvent e = read.get(i).value();
      DownloadObservation o = downloads.get(i);
      assertAttributes(e, Ids.downloadId(o), "/pypiwatch/poller", "dev.pypiwatch.download.v1", o.fetchedAt(), "pip");
      assertEquals(o, EventCodec.decodeDownload(e.getData().toBytes()));
    }
    // the recent figures
    List<ConsumerRecord<String, CloudEvent>> recent = CloudEventsReader.read(kafka.bootstrapServers(), topics.recent(),
        2, WAIT);
    for (int i = 0; i < 2; i++) {
      CloudEvent e = recent.get(i).value();
      RecentObservation r = EventCodec.decodeRecent(e.getData().toBytes());
      assertEquals(10L + i, r.recent().lastDay());
      assertAttributes(e, Ids.recentId(r), "/pypiwatch/poller", "dev.pypiwatch.recent.v1", FETCHED.plusSeconds(i), "pip");
    }
    // and the alert, its extension attribute "history" included
    CloudEvent alert = CloudEventsReader.read(kafka.bootstrapServers(), topics.alerts(), 1, WAIT).get(0).value();
    Alert a = AlertCodec.decode(alert.getData().toBytes());
    assertEquals(ThresholdAlertSource.fingerprint("pip"), a.fingerprint());
    assertEquals(DAY.plusDays(1), a.date());
    assertAttributes(alert, Ids.alertId(a), "/pypiwatch/rules", "dev.pypiwatch.alert.v1",
        a.date().atStartOfDay(ZoneOffset.UTC).toInstant(), "pip");
    assertEquals("false", alert.getExtension("history"));
    // the same bytes pypiwatch's own readers see, valid against the schemas
    assertEquals(2, KafkaTesting.consumeToEnd(clients, topics.downloads(), WAIT).size());
  }

  private static void assertAttributes(CloudEvent e, String id, String source, String type, Instant time,
      String subject) {
    assertNotNull(e, "not a CloudEvent");
    assertEquals(SpecVersion.V1, e.getSpecVersion());
    assertEquals(id, e.getId());
    assertEquals(URI.create(source), e.getSource());
    assertEquals(type, e.getType());
    assertEquals(OffsetDateTime.ofInstant(time, ZoneOffset.UTC), e.getTime());
    assertEquals("application/json", e.getDataContentType());
    assertEquals(subject, e.getSubject());
  }
}

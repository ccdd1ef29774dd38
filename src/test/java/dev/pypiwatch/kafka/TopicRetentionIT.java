package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.StartupException;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Samples;
import dev.pypiwatch.events.Silence;
import dev.pypiwatch.events.SilenceCodec;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.ThresholdAlertSource;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The topics a rebuild reads keep records older than the broker's default retention, and the
 * start-up check reports existing topics that would not. The broker deletes by time after one hour
 * and checks every 200 ms; records are produced with timestamps ten days in the past.
 */
class TopicRetentionIT {
  private static final Duration OLD = Duration.ofDays(10);
  private static final long BROKER_RETENTION_MS = Duration.ofHours(1).toMillis();
  private static final Duration WAIT = KafkaFixture.WAIT;

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture(Map.of(
      "log.retention.ms", Long.toString(BROKER_RETENTION_MS),
      "log.retention.check.interval.ms", "200",
      // the first check otherwise comes 30 s after the broker's start
      "log.initial.task.delay.ms", "0"));

  @Test
  void recordsOlderThanTheBrokersRetentionStayOnEveryTopicTheRebuildReads() throws Exception {
    // GIVEN topics created by TopicAdmin and records ten days old on each of them
    TopicsConfig t = kafka.createTopics("retention", 1);
    KafkaClients clients = kafka.clients(KafkaTesting.config(t, Map.of()));
    long old = Instant.now().minus(OLD).toEpochMilli();
    Map<String, Integer> produced = new HashMap<>();
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      for (int i = 0; i < 3; i++) {
        String pkg = "pkg-" + i;
        send(p, t.downloads(), old, pkg, EventCodec.encode(Samples.download(pkg, "2026-04-0" + (i + 1), 10 + i)),
            produced);
        send(p, t.pollerState(), old, pkg, "{}".getBytes(StandardCharsets.UTF_8), produced);
        send(p, t.alerts(), old, ThresholdAlertSource.fingerprint(pkg), AlertCodec.encode(
            ThresholdAlertSource.alert(pkg, LocalDate.parse("2026-04-01"), AlertState.FIRING, 2_000_000)), produced);
        Silence s = new Silence("silence-" + i, AlertMatcher.ANY, Instant.ofEpochMilli(old),
            Instant.ofEpochMilli(old).plus(Duration.ofDays(90)), null, "long", "ops", Instant.ofEpochMilli(old),
            Silence.Source.API);
        send(p, t.silences(), old, s.id(), SilenceCodec.encode(s), produced);
      }
      p.flush();
    }
    // WHEN the broker has run its retention check three times over the control topic: the recent
    // topic, which TopicAdmin creates with the broker's default (nothing in pypiwatch reads it back);
    // three rounds, so that one whole pass over every topic ran after the records were written
    for (int round = 1; round <= 3; round++) {
      awaitDeletedByRetention(clients, t.recent(), old, round);
    }
    // THEN every topic the rebuild reads still starts at offset 0 and holds every record
    for (String topic : List.of(t.downloads(), t.pollerState(), t.alerts(), t.silences())) {
      assertEquals(0L, earliest(topic), topic + " lost records");
      assertEquals(produced.get(topic), KafkaTesting.consumeToEnd(clients, topic, WAIT).size(), topic);
    }
  }

  @Test
  void anExternalTopicWithTheBrokersDefaultRetentionFailsTheStartNamingTopicValuesAndFix() throws Exception {
    // GIVEN a cluster where the downloads topic exists with a week's retention (the broker default
    // elsewhere) and the alerts topic is time-deleted too: how an operator might have created them
    TopicsConfig t = KafkaTesting.uniqueTopics("short", 1);
    long week = Duration.ofDays(7).toMillis();
    kafka.admin().createTopics(List.of(
        new NewTopic(t.downloads(), 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(week))),
        new NewTopic(t.alerts(), 1, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "delete",
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(week))))).all().get();
    Duration needed = TopicAdmin.neededHistory(RulesConfig.DEFAULTS.lookBackDays());
    TopicAdmin.Needs external = new TopicAdmin.Needs(needed, kafka.bootstrapServers(), false);

    // WHEN pypiwatch starts against it THEN the start fails with one line per topic
    TopicRetentionException e = assertThrows(TopicRetentionException.class,
        () -> TopicAdmin.ensureTopics(kafka.admin(), t, external));
    assertEquals(2, e.problems().size(), e.getMessage());
    String downloads = e.problems().stream().filter(m -> m.startsWith("Topic " + t.downloads() + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(e.getMessage()));
    assertTrue(downloads.contains("keeps records for 7 days (retention.ms=604800000)"), downloads);
    assertTrue(downloads.contains("needed: " + needed.toDays() + " days"), downloads);
    assertTrue(downloads.contains("kafka-configs.sh --bootstrap-server " + kafka.bootstrapServers()
        + " --alter --entity-type topics --entity-name " + t.downloads() + " --add-config retention.ms="
        + t.downloadsRetention().toMillis()), downloads);
    String alerts = e.problems().stream().filter(m -> m.startsWith("Topic " + t.alerts() + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(e.getMessage()));
    assertTrue(alerts.contains("cleanup.policy=delete and retention.ms=604800000 (7 days)"), alerts);
    assertTrue(alerts.contains("needed: kept for ever (cleanup.policy=compact)"), alerts);
    assertTrue(alerts.contains("--entity-name " + t.alerts() + " --add-config cleanup.policy=compact"), alerts);
    assertTrue(e.getMessage().contains("kafka.topics.retention-check: warn"), e.getMessage());
    // the missing topics were created all the same, and the existing ones left as they were
    assertEquals(Long.toString(week), config(t.downloads(), TopicConfig.RETENTION_MS_CONFIG));

    // WHEN the check is downgraded to a warning THEN it starts
    TopicsConfig warn = new TopicsConfig(t.downloads(), t.recent(), t.pollerState(), t.alerts(), t.silences(), t.ruleState(), 1,
        (short) 1, t.downloadsRetention(), false);
    assertEquals(java.util.Set.of(), TopicAdmin.ensureTopics(kafka.admin(), warn, external));

    // WHEN the same topics are on pypiwatch's own embedded broker THEN the downloads retention is
    // raised (a topic of an older pypiwatch), the alerts topic still reported
    TopicRetentionException embedded = assertThrows(TopicRetentionException.class,
        () -> TopicAdmin.ensureTopics(kafka.admin(), t, new TopicAdmin.Needs(needed, kafka.bootstrapServers(), true)));
    assertEquals(1, embedded.problems().size(), embedded.getMessage());
    assertTrue(embedded.problems().get(0).startsWith("Topic " + t.alerts() + " "), embedded.getMessage());
    Await.until(() -> Long.toString(t.downloadsRetention().toMillis())
        .equals(config(t.downloads(), TopicConfig.RETENTION_MS_CONFIG)), WAIT, () -> "retention not raised");
  }

  @Test
  void aConfiguredRetentionShorterThanTheRulesNeedAndACompactedDownloadsTopicAreReported() throws Exception {
    TopicsConfig base = KafkaTesting.uniqueTopics("config", 1);
    kafka.admin().createTopics(List.of(new NewTopic(base.downloads(), 1, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")))).all().get();
    TopicsConfig t = new TopicsConfig(base.downloads(), base.recent(), base.pollerState(), base.alerts(),
        base.silences(), base.ruleState(), 1, (short) 1, Duration.ofDays(30), true);
    TopicRetentionException e = assertThrows(TopicRetentionException.class,
        () -> TopicAdmin.ensureTopics(kafka.admin(), t, new TopicAdmin.Needs(Duration.ofDays(144), "kafka:9092", false)));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertEquals("kafka.topics.downloads-retention is 30 days, shorter than the 144 days the rule stage needs to"
        + " rebuild its state (the rules' look-back plus a 30-day margin): set it to at least 144d", e.problems().get(0));
    assertTrue(e.problems().get(1).startsWith("Topic " + t.downloads() + " has cleanup.policy=compact, needed: delete."),
        e.problems().get(1));
    assertTrue(e.problems().get(1).contains("--add-config cleanup.policy=delete,retention.ms=2592000000"),
        e.problems().get(1));
  }

  @Test
  void theServiceRefusesToStartAndSaysWhy() throws Exception {
    // GIVEN an external cluster whose downloads topic keeps a week
    TopicsConfig t = KafkaTesting.uniqueTopics("service", 1);
    kafka.admin().createTopics(List.of(new NewTopic(t.downloads(), 1, (short) 1)
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()))))).all().get();
    AppConfig config = ConfigLoader.parse("""
        api: {base-url: "http://localhost:9"}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s, recent: %s, poller-state: %s, alerts: %s, silences: %s, partitions: 1}
        http: {enabled: false}
        watchlist: [pip]
        """.formatted(kafka.bootstrapServers(), t.downloads(), t.recent(), t.pollerState(), t.alerts(),
        t.silences()), Path.of("test.yaml"), Map.of());
    // WHEN the service starts THEN it stops with what run prints (exit code 2)
    StartupException e = assertThrows(StartupException.class, () -> kafka.startService(config, Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("Topic " + t.downloads() + " keeps records for 7 days (retention.ms=604800000),"
        + " needed: 161 days"), e.getMessage());
    assertTrue(e.getMessage().contains("kafka.topics.retention-check: warn"), e.getMessage());
  }

  @Test
  void theRulesLookBackAtMostAboutNineteenWeeksByDefault() {
    // A 5-day drop window with up to 4 unknown days and the 10 Christmas days passed over, 56 days of
    // residuals before it, each at the level of the 14 days before, against 6 weeks of same weekdays
    // (LookBackTest checks that no rule reads further)
    assertEquals(131, RulesConfig.DEFAULTS.lookBackDays());
    assertEquals(Duration.ofDays(161), TopicAdmin.neededHistory(131));
    assertTrue(TopicsConfig.DEFAULTS.downloadsRetention().compareTo(TopicAdmin.neededHistory(131)) > 0);
  }

  private static void send(KafkaProducer<String, byte[]> p, String topic, long timestamp, String key, byte[] value,
      Map<String, Integer> produced) throws ExecutionException, InterruptedException {
    p.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get();
    produced.merge(topic, 1, Integer::sum);
  }

  /** Writes one record {@code old} into {@code control} and waits until the broker's retention deleted it. */
  private static void awaitDeletedByRetention(KafkaClients clients, String control, long old, int round)
      throws ExecutionException, InterruptedException {
    long offset;
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      offset = p.send(new ProducerRecord<>(control, null, old, "pkg", EventCodec.encode(Samples.recent("pkg", 1L,
          2L, 3L)))).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("could not write to " + control, e);
    }
    Await.until(() -> earliest(control) > offset, WAIT,
        () -> "round " + round + ": " + control + " still starts at " + earliest(control) + " (record at " + offset
            + "): the broker did not delete it, so the test proves nothing");
  }

  private static long earliest(String topic) {
    try {
      TopicPartition tp = new TopicPartition(topic, 0);
      Map<TopicPartition, ListOffsetsResultInfo> r = kafka.admin().listOffsets(Map.of(tp, OffsetSpec.earliest()))
          .all().get();
      return r.get(tp).offset();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String config(String topic, String key) {
    try {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return kafka.admin().describeConfigs(List.of(r)).all().get().get(r).get(key).value();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

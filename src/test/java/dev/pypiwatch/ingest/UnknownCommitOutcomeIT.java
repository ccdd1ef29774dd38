package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.outbound.RetryPolicy;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.BrokerProcess;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaProxy;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A commit whose acknowledgement never comes (its answer lost on the way back, or the broker
 * stalled with the batch on its way): the publisher cannot know whether the batch went through,
 * must not send it again if it did, and must send it if it did not.
 */
class UnknownCommitOutcomeIT {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final LocalDate DAY = LocalDate.of(2026, 11, 27);

  @TempDir Path dir;

  /**
   * The commit reaches the broker, which commits, but its answer is lost on the way back: the
   * publisher finds its batch committed and does not send it again.
   */
  @Test
  void aCommitWhoseAnswerWasLostIsFoundCommittedAndNotSentAgain() throws Exception {
    int proxyPort = EmbeddedKafka.freePort();
    int brokerPort = EmbeddedKafka.freePort();
    // Every client, the broker's own marker writes included, reaches the broker through the proxy.
    try (KafkaProxy proxy = KafkaProxy.start(proxyPort, brokerPort);
        EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), brokerPort,
            Map.of("advertised.listeners", "PLAINTEXT://localhost:" + proxyPort))) {
      List<String> log = publishThreeBatches("localhost:" + proxyPort,
          () -> proxy.loseAnswersAfter(KafkaProxy.END_TXN), () -> {}, "");
      assertEquals(1, proxy.connectionsCut());
      assertTrue(log.stream().anyMatch(m -> m.contains("was not acknowledged")), String.join("\n", log));
      assertTrue(log.stream().anyMatch(m -> m.contains("the commit of package pkg-b went through after all")),
          String.join("\n", log));
    }
  }

  /**
   * The poller's publisher gives up (one attempt) on a batch whose commit went through unacknowledged:
   * the next poll reads the package's committed state back and publishes nothing twice.
   */
  @Test
  void aPollerThatGaveUpOnAnUnacknowledgedCommitReadsTheStateBackBeforeTheNextPoll() throws Exception {
    int proxyPort = EmbeddedKafka.freePort();
    int brokerPort = EmbeddedKafka.freePort();
    Vertx vertx = Vertx.vertx();
    try (KafkaProxy proxy = KafkaProxy.start(proxyPort, brokerPort);
        EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), brokerPort,
            Map.of("advertised.listeners", "PLAINTEXT://localhost:" + proxyPort))) {
      LocalDate today = LocalDate.of(2026, 4, 10);
      SimulatedUpstream sim = new SimulatedUpstream(3).addPackage("busy-pkg", Profile.busy(20_000)).setToday(today);
      FakePypiStats upstream = Await.result(FakePypiStats.start(vertx)).serve(sim);
      TopicsConfig topicsConfig = KafkaTesting.uniqueTopics("unknown-commit-poller", 1);
      KafkaClients clients = new KafkaClients(new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(),
          Map.of("max.block.ms", "2000"), Map.of()), "localhost:" + proxyPort);
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, topicsConfig);
      }
      Topics topics = Topics.from(topicsConfig);
      RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(200), Duration.ofSeconds(1), RetryPolicy.Jitter.NONE);
      PollMetrics metrics = new PollMetrics();
      try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "unknown-commit-poll", once)) {
        PypiStatsClient client = new PypiStatsClient(vertx, new ApiConfig(upstream.baseUrl(), "", Duration.ZERO, 2,
            Duration.ofSeconds(30), 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1),
            4L * 1024 * 1024));
        Clock clock = Clock.fixed(today.atTime(3, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        Poller poller = new Poller(client, publisher, vertx.createSharedWorkerExecutor("publish-test", 1), Map.of(),
            "", clock, metrics);
        proxy.loseAnswersAfter(KafkaProxy.END_TXN);
        Poller.CycleReport first = Await.result(poller.poll(List.of("busy-pkg")), WAIT);
        assertEquals(Set.of("busy-pkg"), first.behind(), "the publication failed as far as the poller knows");
        assertEquals(1, metrics.snapshot().get("pypiwatch_publish_failures_total"));
        Poller.CycleReport second = Await.result(poller.poll(List.of("busy-pkg")), WAIT);
        assertEquals(Set.of("busy-pkg"), second.fresh());
      }
      assertEquals(1, proxy.connectionsCut());
      List<ConsumerRecord<String, byte[]>> downloads = KafkaTesting.consumeToEnd(clients, topics.downloads(), WAIT);
      Map<String, Long> perRecord = downloads.stream()
          .map(r -> EventCodec.decodeDownload(r.value()).record().toString())
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertTrue(perRecord.size() > 500, "the package's whole window: " + perRecord.size());
      assertTrue(perRecord.values().stream().allMatch(n -> n == 1), "a record committed twice");
      assertEquals(1, KafkaTesting.consumeToEnd(clients, topics.pollerState(), WAIT).size(),
          "one state snapshot: the second poll had nothing new to publish");
    } finally {
      Await.result(vertx.close());
    }
  }

  /**
   * The broker stalls ({@code SIGSTOP}) with the batch on its way and comes back only after the
   * producer was replaced: the replacement settles the transaction left half-way before the batch
   * is looked up, and the batch is then committed once.
   */
  @Test
  void aCommitLeftHalfWayByAStalledBrokerIsSettledThenSentOnce() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), dir.resolve("logs"))) {
      AtomicBoolean frozen = new AtomicBoolean();
      List<String> log = publishThreeBatches(broker.bootstrapServers(), () -> {
        frozen.set(true);
        broker.freeze();
      }, () -> {
        if (frozen.compareAndSet(true, false)) {
          broker.thaw();
        }
      }, "(attempt 1 of 30)");
      assertTrue(log.stream().anyMatch(m -> m.contains("was not acknowledged")), String.join("\n", log));
    }
  }

  /**
   * Publishes a batch of pkg-a, then one of pkg-b with {@code fault} set up before it and {@code
   * heal} run when the publisher logs {@code healOn} (on its own thread, at that point of its work)
   * or after pkg-b's batch, then one of pkg-c; asserts every record and state committed once.
   * Calls give up after 2 s. Returns what the publisher and its producer logged.
   */
  private List<String> publishThreeBatches(String bootstrap, Runnable fault, Runnable heal, String healOn) {
    TopicsConfig topicsConfig = KafkaTesting.uniqueTopics("unknown-commit", 1);
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(),
        Map.of("max.block.ms", "2000"), Map.of());
    KafkaClients clients = new KafkaClients(config, bootstrap);
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureTopics(admin, topicsConfig);
    }
    Topics topics = Topics.from(topicsConfig);
    RetryPolicy retry = new RetryPolicy(30, Duration.ofMillis(200), Duration.ofSeconds(1), RetryPolicy.Jitter.NONE);
    List<String> log = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        log.add(e.getFormattedMessage());
        if (!healOn.isEmpty() && e.getFormattedMessage().contains(healOn)) {
          heal.run();
        }
      }
    };
    appender.start();
    List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(DownloadPublisher.class),
        (Logger) LoggerFactory.getLogger(TransactionalProducer.class));
    loggers.forEach(l -> l.addAppender(appender));
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "unknown-commit-poller", retry)) {
      publisher.publishBatch("pkg-a", observations("pkg-a", 3), List.of(), state("a1"));
      // pkg-a's markers written before the fault: a stall while they are still on their way is another
      // case (the broker may then drop them and the replacement abort pkg-a's committed batch; the
      // publisher reports it, takeAborted, and the poller sends it again: StalledMarkersIT). This test drives
      // the publisher alone and is about pkg-b's commit, so it waits: deterministic either way.
      KafkaTesting.awaitSettled(clients, topics.downloads(), WAIT);
      KafkaTesting.awaitSettled(clients, topics.pollerState(), WAIT);
      fault.run();
      try {
        publisher.publishBatch("pkg-b", observations("pkg-b", 5), List.of(), state("b1"));
      } finally {
        heal.run();
      }
      publisher.publishBatch("pkg-c", observations("pkg-c", 2), List.of(), state("c1"));
    } finally {
      loggers.forEach(l -> l.detachAppender(appender));
    }

    List<ConsumerRecord<String, byte[]>> downloads = KafkaTesting.consumeToEnd(clients, topics.downloads(), WAIT);
    Map<String, Long> perRecord = downloads.stream()
        .map(r -> EventCodec.decodeDownload(r.value()).record().toString())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertEquals(3 + 5 + 2, perRecord.size(), "every record of the three batches: " + perRecord.keySet());
    assertTrue(perRecord.values().stream().allMatch(n -> n == 1), "a record committed twice: " + perRecord);
    List<String> states = KafkaTesting.consumeToEnd(clients, topics.pollerState(), WAIT).stream()
        .map(r -> r.key() + "=" + new String(r.value(), StandardCharsets.UTF_8)).toList();
    assertEquals(List.of("pkg-a=a1", "pkg-b=b1", "pkg-c=c1"), states);
    return log;
  }

  private static List<DownloadObservation> observations(String pkg, int days) {
    List<DownloadObservation> obs = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      obs.add(new DownloadObservation(new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS,
          DAY.minusDays(i), 1_000 + i), Origin.REPORTED, null, Instant.parse("2026-11-28T02:00:00Z"),
          "https://pypistats.org/api/packages/" + pkg + "/overall"));
    }
    return obs;
  }

  private static byte[] state(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

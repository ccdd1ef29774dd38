package dev.pypiwatch.notify.stream;

import static dev.pypiwatch.notify.NotifierFixtures.DAY;
import static dev.pypiwatch.notify.NotifierFixtures.alert;
import static dev.pypiwatch.notify.NotifierFixtures.firing;
import static dev.pypiwatch.notify.NotifierFixtures.packages;
import static dev.pypiwatch.notify.NotifierFixtures.receiver;
import static dev.pypiwatch.notify.NotifierFixtures.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Silence;
import dev.pypiwatch.events.SilenceCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.notify.Channel;
import dev.pypiwatch.notify.Channels;
import dev.pypiwatch.notify.DeliveryException;
import dev.pypiwatch.notify.Notification;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.notify.Outbox;
import dev.pypiwatch.notify.SentRecord;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.CloudEventsReader;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier against the real (in-process) broker: alert transitions produced to the alerts topic
 * reach scripted channels grouped and once, through retries, dead letters and restarts.
 */
class NotifierVerticleIT {
  private static final Duration WAIT = KafkaFixture.WAIT;
  private static final Duration GROUP_WAIT = Duration.ofMillis(500);
  /**
   * The cycle test's group-wait: all 20 transitions must be read within one group-wait, also when
   * the notifier's thread is descheduled for a while on a loaded machine.
   */
  private static final Duration CYCLE_GROUP_WAIT = Duration.ofSeconds(5);
  /** What a stop waits for a delivery in flight (the hanging ones here never finish). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(1);
  private static final Retry RETRY = new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(1));
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();
  private static int seq;

  private Topics topics;
  private NotifyConfig notify;
  private KafkaClients clients;
  private KafkaProducer<String, byte[]> alertProducer;

  private void setUp(int partitions, List<Receiver> receivers, List<Route> routes, List<String> defaults) {
    setUp(partitions, receivers, routes, defaults, GROUP_WAIT);
  }

  private void setUp(int partitions, List<Receiver> receivers, List<Route> routes, List<String> defaults,
      Duration groupWait) {
    seq++;
    TopicsConfig layout = kafka.createTopics("notify", partitions);
    topics = Topics.from(layout);
    String p = layout.alerts();
    // The alerts are dated in April 2026 and the notifier runs on the real clock: no alert is history here.
    notify = new NotifyConfig(receivers, routes, defaults, groupWait, Duration.ZERO, true, List.of(),
        Duration.ofDays(100 * 365), RETRY, "notify-it-" + seq, p + ".sent", p + ".dlq");
    clients = kafka.clients(KafkaTesting.config(layout, Map.of()));
    assertEquals(2, TopicAdmin.ensureNotificationTopics(kafka.admin(), notify.sentTopic(), notify.dlqTopic(), layout)
        .size());
    alertProducer = kafka.closeAfterEach(clients.newProducer(null));
  }

  @Test
  void aCycleOfAlertsReachesEachReceiverAsOneMessageOnce() throws Exception {
    // GIVEN two receivers of every alert, a package's downloads, a poison record
    setUp(3, List.of(receiver("ops"), receiver("chat")), List.of(), List.of("ops", "chat"), CYCLE_GROUP_WAIT);
    ScriptedChannel ops = new ScriptedChannel();
    ScriptedChannel chat = new ScriptedChannel();
    publishDownloads("pkg-00", 10);
    NotifyMetrics metrics = deploy(Map.of("ops", ops, "chat", chat));
    alertProducer.send(new ProducerRecord<>(topics.alerts(), "junk", "not json".getBytes(StandardCharsets.UTF_8))).get();
    // WHEN the rule engine publishes a cycle of 20 transitions (in one transaction, as its loop does)
    List<Alert> cycle = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // Firings only: a resolution goes only to a receiver that got its firing.
      cycle.add(alert(String.format("pkg-%02d", i), AlertState.FIRING, Severity.values()[i % 3], DAY));
    }
    produceInOneTransaction(cycle);
    // THEN each receiver gets one message with all 20, and nothing more once everything is committed
    Await.until(() -> ops.accepted().size() == 1 && chat.accepted().size() == 1, WAIT);
    awaitCommittedToEnd();
    for (ScriptedChannel c : List.of(ops, chat)) {
      assertEquals(1, c.attempts().size());
      Notification n = c.accepted().get(0);
      assertEquals(Notification.Kind.ALERTS, n.kind());
      assertEquals(sorted(cycle), sorted(n.alerts()));
      assertEquals(10, n.series().get("pkg-00").daily().length, "charts from the downloads topic");
    }
    List<SentRecord> sent = sentRecords();
    assertEquals(40, sent.size());
    assertTrue(sent.stream().allMatch(r -> r.outcome() == SentRecord.Outcome.SENT));
    assertEquals(1, metrics.sentTo("ops"));
    assertEquals(1, metrics.snapshot().get("pypiwatch_notifier_undecodable_alerts_total"));
    Await.until(() -> metrics.snapshot().get("pypiwatch_notifications_pending") == 0, WAIT);
    // AND transitions read again (republished) are not sent again: the group commits past a
    // transition only once it is finished (skipped as sent, or sent), so once the republished ones
    // are committed, a second message would already have been attempted
    produce(cycle.subList(0, 3));
    awaitCommittedToEnd();
    assertEquals(1, ops.attempts().size());
    assertEquals(1, chat.attempts().size());
    assertEquals(40, sentRecords().size());
  }

  @Test
  void aRetryableFailureIsRetriedWithBackOffAndDeliveredOnce() throws Exception {
    // GIVEN a receiver that fails twice, retryably
    setUp(1, List.of(receiver("ops")), List.of(), List.of("ops"));
    ScriptedChannel ops = new ScriptedChannel(Step.FAIL, Step.FAIL);
    NotifyMetrics metrics = deploy(Map.of("ops", ops));
    // WHEN an alert arrives
    produce(List.of(firing("pip")));
    // THEN the third attempt delivers it, after 200 ms and 400 ms of back-off
    Await.until(() -> ops.accepted().size() == 1, WAIT);
    awaitCommittedToEnd();
    List<Instant> at = ops.attempts();
    assertEquals(3, at.size());
    assertTrue(Duration.between(at.get(0), at.get(1)).toMillis() >= 200, at.toString());
    assertTrue(Duration.between(at.get(1), at.get(2)).toMillis() >= 400, at.toString());
    assertEquals(2, metrics.failedAttemptsTo("ops"));
    assertEquals(1, metrics.sentTo("ops"));
    assertEquals(0, metrics.deadLetteredFor("ops"));
    assertEquals(List.of(), KafkaTesting.consumeToEnd(clients, notify.dlqTopic(), WAIT));
    assertEquals(1, sentRecords().size());
  }

  @Test
  void aNonRetryableFailureIsDeadLetteredWhileTheOtherReceiverGetsItsMessage() throws Exception {
    // GIVEN one receiver whose hook is gone, another that works
    setUp(2, List.of(receiver("ops"), receiver("chat")), List.of(), List.of("ops", "chat"));
    ScriptedChannel ops = new ScriptedChannel(Step.REJECT);
    ScriptedChannel chat = new ScriptedChannel();
    NotifyMetrics metrics = deploy(Map.of("ops", ops, "chat", chat));
    // WHEN two alerts arrive
    List<Alert> alerts = List.of(firing("pip"), firing("numpy"));
    produce(alerts);
    // THEN ops's message is in the dead-letter topic after one attempt, chat has its message
    Await.until(() -> chat.accepted().size() == 1 && metrics.deadLetteredFor("ops") == 1, WAIT);
    awaitCommittedToEnd();
    assertEquals(1, ops.attempts().size());
    List<ConsumerRecord<String, byte[]>> dlq = KafkaTesting.consumeToEnd(clients, notify.dlqTopic(), WAIT);
    assertEquals(1, dlq.size());
    assertEquals("ops", dlq.get(0).key());
    JsonNode letter = JSON.readTree(dlq.get(0).value());
    assertEquals("ops", letter.get("receiver").asText());
    assertEquals(ops.notifications().get(0).id(), letter.get("notification_id").asText());
    assertEquals("alerts", letter.get("kind").asText());
    assertEquals("ops: HTTP 404 (test)", letter.get("error").asText());
    assertEquals(1, letter.get("attempts").asInt());
    List<Alert> carried = new ArrayList<>();
    letter.get("alerts").forEach(a -> carried.add(AlertCodec.decode(a.toString().getBytes(StandardCharsets.UTF_8))));
    assertEquals(sorted(alerts), sorted(carried));
    assertEquals(letter.get("notification_id").asText(),
        CloudEventHeaders.text(dlq.get(0).headers(), CloudEventHeaders.ID));
    // A third party reading it with the CloudEvents SDK gets the documented attributes and the letter as data.
    io.cloudevents.CloudEvent ce = CloudEventsReader.read(kafka.bootstrapServers(), notify.dlqTopic(), 1, WAIT).get(0)
        .value();
    assertEquals(io.cloudevents.SpecVersion.V1, ce.getSpecVersion());
    assertEquals(letter.get("notification_id").asText(), ce.getId());
    assertEquals(java.net.URI.create("/pypiwatch/notifier"), ce.getSource());
    assertEquals("dev.pypiwatch.notification-dlq.v1", ce.getType());
    assertEquals(Instant.parse(letter.get("time").asText()), ce.getTime().toInstant());
    assertEquals("application/json", ce.getDataContentType());
    assertEquals("ops", ce.getSubject());
    assertEquals(letter, JSON.readTree(ce.getData().toBytes()));
    assertEquals(1, metrics.failedAttemptsTo("ops"));
    Map<String, SentRecord.Outcome> outcomes = new HashMap<>();
    sentRecords().forEach(r -> outcomes.put(r.receiver() + " " + r.subject(), r.outcome()));
    assertEquals(Map.of(
        "ops " + alerts.get(0).fingerprint(), SentRecord.Outcome.DEAD_LETTERED,
        "ops " + alerts.get(1).fingerprint(), SentRecord.Outcome.DEAD_LETTERED,
        "chat " + alerts.get(0).fingerprint(), SentRecord.Outcome.SENT,
        "chat " + alerts.get(1).fingerprint(), SentRecord.Outcome.SENT), outcomes);
  }

  @Test
  void aRestartAfterTheSentRecordButBeforeTheOffsetCommitSendsNothingTwice() throws Exception {
    // GIVEN on one partition an alert for a receiver that does not answer, then one for ops
    setUp(1, List.of(receiver("slow"), receiver("ops")), List.of(route(packages("slow-*"), false, "slow")),
        List.of("ops"));
    ScriptedChannel slow = new ScriptedChannel(Step.HANG);
    ScriptedChannel ops = new ScriptedChannel();
    String first = deployId(Map.of("slow", slow, "ops", ops), new NotifyMetrics(List.of()));
    produce(List.of(firing("slow-pkg"), firing("pip")));
    // WHEN ops accepted its message and its sent record is committed, but the offset cannot pass the
    // slow receiver's alert, and the notifier stops there
    Await.until(() -> ops.accepted().size() == 1 && slow.attempts().size() == 1, WAIT);
    Await.until(() -> sentRecords().size() == 1, WAIT);
    assertEquals(Map.of(), committedOffsets(), "nothing committed past the pending alert");
    undeploy(first);
    // AND a new instance starts, the slow receiver answering now
    ScriptedChannel slowAgain = new ScriptedChannel();
    deploy(Map.of("slow", slowAgain, "ops", ops));
    // THEN both alerts are read again; ops gets nothing twice, the slow receiver gets its message
    Await.until(() -> slowAgain.accepted().size() == 1, WAIT);
    awaitCommittedToEnd();
    assertEquals(1, ops.attempts().size());
    assertEquals(List.of("slow-pkg"), slowAgain.accepted().get(0).alerts().stream().map(Alert::packageName).toList());
    assertEquals(2, sentRecords().size());
  }

  @Test
  void aRestartBeforeTheSentRecordSendsTheSameNotificationAgain() throws Exception {
    // GIVEN a receiver that accepts a message but whose answer never comes back
    setUp(2, List.of(receiver("ops")), List.of(), List.of("ops"));
    ScriptedChannel ops = new ScriptedChannel(Step.ACCEPT_AND_HANG);
    String first = deployId(Map.of("ops", ops), new NotifyMetrics(List.of()));
    List<Alert> alerts = List.of(firing("pip"), firing("numpy"), firing("flask"));
    produce(alerts);
    Await.until(() -> ops.accepted().size() == 1, WAIT);
    // WHEN the notifier stops before it could record the delivery (the documented window)
    undeploy(first);
    assertEquals(List.of(), sentRecords());
    // (what the message holds was committed before its first attempt)
    List<SentRecord> formed = allSentTopicRecords();
    assertEquals(3, formed.size());
    assertTrue(formed.stream().allMatch(r -> r.outcome() == SentRecord.Outcome.FORMED
        && r.notificationId().equals(ops.accepted().get(0).id())), formed.toString());
    // THEN the next instance sends it again, with the same id, and records it
    deploy(Map.of("ops", ops));
    Await.until(() -> ops.accepted().size() == 2, WAIT);
    awaitCommittedToEnd();
    Notification before = ops.accepted().get(0);
    Notification again = ops.accepted().get(1);
    assertEquals(before.id(), again.id(), "receivers de-duplicate on the id (webhook Idempotency-Key)");
    assertEquals(before.alerts(), again.alerts());
    List<SentRecord> sent = sentRecords();
    assertEquals(3, sent.size());
    assertTrue(sent.stream().allMatch(r -> r.notificationId().equals(before.id())));
  }

  @Test
  void everyInstanceObeysASilenceTheMomentItIsOnTheTopic() throws Exception {
    // GIVEN two notifier instances in one group, each owning one of the alerts topic's two partitions
    setUp(2, List.of(receiver("ops")), List.of(), List.of("ops"));
    ScriptedChannel ops = new ScriptedChannel();
    NotifyMetrics a = new NotifyMetrics(List.of("ops"));
    NotifyMetrics b = new NotifyMetrics(List.of("ops"));
    deployId(Map.of("ops", ops), a, "-a");
    deployId(Map.of("ops", ops), b, "-b");
    Await.until(() -> {
      try {
        var members = kafka.admin().describeConsumerGroups(List.of(notify.groupId())).all().get()
            .get(notify.groupId()).members();
        return members.size() == 2 && members.stream().allMatch(m -> m.assignment().topicPartitions().size() == 1);
      } catch (ExecutionException e) {
        return false; // the group is not there yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, WAIT, () -> "waiting for two members with a partition each");
    // WHEN a silence reaches the topic (as POST /api/v1/silences writes it), then alerts it matches
    // land on both partitions, with unmatched ones beside them
    Silence muted = new Silence("it-silence-" + seq, new AlertMatcher(List.of("muted-*"), List.of(), List.of(),
        List.of()), Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)), null, "maintenance",
        "it", Instant.now(), Silence.Source.API);
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      p.send(new ProducerRecord<>(topics.silences(), muted.id(), SilenceCodec.encode(muted))).get();
    }
    List<Alert> quiet = new ArrayList<>();
    List<Alert> loud = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      quiet.add(firing("muted-" + i));
      loud.add(firing("loud-" + i));
    }
    assertEquals(Set.of(0, 1), quiet.stream().map(x -> KafkaClients.partitionOf(x.fingerprint(), 2))
        .collect(java.util.stream.Collectors.toSet()), "muted alerts on both partitions");
    produceInOneTransaction(concat(quiet, loud));
    // THEN every unmatched alert is sent, no matched one, and both instances recorded theirs as silenced
    Await.until(() -> ops.accepted().stream().mapToLong(n -> n.alerts().size()).sum() == loud.size(), WAIT,
        () -> ops.accepted().toString());
    awaitCommittedToEnd();
    assertEquals(sorted(loud), sorted(ops.accepted().stream().flatMap(n -> n.alerts().stream()).toList()));
    List<SentRecord> silenced = sentRecords().stream().filter(r -> r.outcome() == SentRecord.Outcome.SILENCED).toList();
    assertEquals(quiet.size(), silenced.size(), silenced.toString());
    assertTrue(a.sentTo("ops") > 0 && b.sentTo("ops") > 0, "both instances sent (each owns a partition): "
        + a.sentTo("ops") + " / " + b.sentTo("ops"));
  }

  private static List<Alert> concat(List<Alert> x, List<Alert> y) {
    List<Alert> out = new ArrayList<>(x);
    out.addAll(y);
    return out;
  }

  // ---- helpers

  private NotifyMetrics deploy(Map<String, Channel> channels) {
    NotifyMetrics metrics = new NotifyMetrics(channels.keySet());
    deployId(channels, metrics);
    return metrics;
  }

  private String deployId(Map<String, Channel> channels, NotifyMetrics metrics) {
    return deployId(channels, metrics, "");
  }

  /** An instance whose transactional id ends in {@code suffix}: several run side by side with different ones. */
  private String deployId(Map<String, Channel> channels, NotifyMetrics metrics, String suffix) {
    Outbox outbox = new Outbox(notify, List::of);
    NotificationStream stream = new NotificationStream(clients, topics, notify, outbox,
        Channels.senders(notify.receivers(), r -> channels.get(r.name())), "notify-it-tx-" + seq + suffix,
        Clock.systemUTC(),
        metrics, STOP_GRACE, a -> { });
    return kafka.deploy(new NotifierVerticle(stream, metrics));
  }

  private static void undeploy(String id) {
    kafka.undeploy(id);
  }

  private void produce(List<Alert> alerts) throws ExecutionException, InterruptedException {
    for (Alert a : alerts) {
      alertProducer.send(new ProducerRecord<>(topics.alerts(), null, a.fingerprint(), AlertCodec.encode(a),
          CloudEventHeaders.forAlert(a))).get();
    }
  }

  /** Publishes {@code alerts} as the rule stage does: one transaction, visible to the notifier all at once. */
  private void produceInOneTransaction(List<Alert> alerts) {
    try (KafkaProducer<String, byte[]> p = clients.newTransactionalProducer("notify-it-rules-" + seq)) {
      p.beginTransaction();
      for (Alert a : alerts) {
        p.send(new ProducerRecord<>(topics.alerts(), null, a.fingerprint(), AlertCodec.encode(a),
            CloudEventHeaders.forAlert(a)));
      }
      p.commitTransaction();
    }
  }

  private void publishDownloads(String pkg, int days) {
    List<DownloadObservation> obs = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      obs.add(new DownloadObservation(new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS,
          DAY.minusDays(days - 1 - i), 100 + i), Origin.REPORTED, null, Instant.parse("2026-04-03T02:00:00Z"),
          "https://pypistats.org/api/packages/" + pkg + "/overall"));
    }
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "notify-it-poller-" + seq)) {
      publisher.publishBatch(pkg, obs, List.of(), "{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The sent topic's outcome records (delivered, dead-lettered, held back), without the formed ones. */
  private List<SentRecord> sentRecords() {
    return allSentTopicRecords().stream().filter(r -> r.outcome() != SentRecord.Outcome.FORMED).toList();
  }

  private List<SentRecord> allSentTopicRecords() {
    return KafkaTesting.consumeToEnd(clients, notify.sentTopic(), WAIT).stream()
        .map(r -> NotificationCodec.decodeSent(r.value())).toList();
  }

  private Map<Integer, Long> committedOffsets() {
    Map<Integer, Long> out = new HashMap<>();
    KafkaTesting.committedOffsets(kafka.admin(), notify.groupId(), topics.alerts())
        .forEach((tp, o) -> out.put(tp.partition(), o));
    return out;
  }

  /**
   * Waits until the group has committed every record of the alerts topic, and the transactions
   * that did so are visible in the sent and dead-letter topics too (their commit markers are
   * written independently of the group's offsets).
   */
  private void awaitCommittedToEnd() {
    kafka.awaitCommittedToEnd(notify.groupId(), topics.alerts());
    kafka.awaitSettled(notify.sentTopic());
    kafka.awaitSettled(notify.dlqTopic());
  }

  private static List<String> sorted(List<Alert> alerts) {
    return alerts.stream().map(a -> a.fingerprint() + " " + a.state().wire() + " " + a.date()).sorted().toList();
  }

  /** What a scripted attempt does. */
  enum Step {
    /** The receiver accepts. */
    OK,
    /** A retryable failure (a 503). */
    FAIL,
    /** A failure another attempt cannot fix (a 404). */
    REJECT,
    /** No answer, ever; not accepted. */
    HANG,
    /** The receiver accepts, but the answer never comes back. */
    ACCEPT_AND_HANG
  }

  /** A channel to nowhere: records attempts and accepted notifications, follows its script, then accepts. */
  static final class ScriptedChannel implements Channel {
    private final Deque<Step> script;
    private final List<Instant> attempts = new CopyOnWriteArrayList<>();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final List<Notification> accepted = new CopyOnWriteArrayList<>();

    ScriptedChannel(Step... script) {
      this.script = new ArrayDeque<>(List.of(script));
    }

    @Override
    public synchronized Future<Void> deliver(Notification n) {
      attempts.add(Instant.now());
      notifications.add(n);
      Step step = script.isEmpty() ? Step.OK : script.removeFirst();
      return switch (step) {
        case OK -> {
          accepted.add(n);
          yield Future.succeededFuture();
        }
        case FAIL -> Future.failedFuture(new DeliveryException(n.receiver() + ": HTTP 503 (test)", true, null, null));
        case REJECT -> Future.failedFuture(new DeliveryException(n.receiver() + ": HTTP 404 (test)", false, null,
            null));
        case HANG -> Promise.<Void>promise().future();
        case ACCEPT_AND_HANG -> {
          accepted.add(n);
          yield Promise.<Void>promise().future();
        }
      };
    }

    List<Instant> attempts() {
      return attempts;
    }

    List<Notification> notifications() {
      return notifications;
    }

    List<Notification> accepted() {
      return accepted;
    }
  }
}

package dev.pypiwatch.notify.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.cli.PypiwatchCommand;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.notify.Channels;
import dev.pypiwatch.notify.DeadLetter;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.NotifierFixtures;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.notify.Outbox;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook receiver down for hours of a simulated clock: what was queued for it arrives once and
 * in order when it comes back within the retry budget; what outlasts the budget goes to the
 * dead-letter topic, and {@code pypiwatch dlq replay} delivers it once, with the same
 * Idempotency-Key, and not again on a second replay.
 */
class ReceiverDownIT {
  private static final LocalDate DAY = NotifierFixtures.DAY;
  private static final Duration WAIT = Duration.ofSeconds(90);
  /**
   * The simulated clock moves this much each time the notifier reads it: time passes with the
   * notifier's own steps, so a busy machine slows both alike (no real-time ticker to outrun it).
   */
  private static final Duration STEP = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOOK = "/hooks/bot";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void queuedNotificationsArriveOnceInOrderAndDeadLettersReplayOnce() throws Exception {
    FakeReceiver bot = FakeReceiver.startBlocking(kafka.vertx()).answer(FakeResponse.status(503, "down"));
    kafka.closeAfterEach(() -> Await.result(bot.stop()));
    TopicsConfig layout = kafka.createTopics("rdown", 2);
    Path file = writeConfig(layout, bot.url(HOOK));
    AppConfig config = ConfigLoader.load(file, Map.of());
    NotifyConfig notify = config.notifications();
    KafkaClients clients = kafka.clients(config.kafka());
    TopicAdmin.ensureNotificationTopics(kafka.admin(), notify.sentTopic(), notify.dlqTopic(), layout);
    TestClock clock = TestClock.morningOf(DAY);
    NotifyMetrics metrics = new NotifyMetrics(List.of("bot"));
    NotificationStream stream = new NotificationStream(clients, Topics.from(layout), notify,
        new Outbox(notify, List::of), Channels.senders(notify.receivers(), r -> Channels.create(kafka.vertx(), r)),
        "rdown-notifier-0", new SteppingClock(clock), metrics, Duration.ofSeconds(1), a -> { });
    kafka.deploy(new NotifierVerticle(stream, metrics));
    KafkaProducer<String, byte[]> producer = kafka.closeAfterEach(clients.newProducer(null));

    // 1. Three alerts, one after the other, while the receiver answers 503; it is down for two hours.
    Instant downSince = clock.instant();
    List<String> pkgs = List.of("first-pkg", "second-pkg", "third-pkg");
    for (int i = 0; i < pkgs.size(); i++) {
      publish(producer, layout.alerts(), NotifierFixtures.alert(pkgs.get(i), AlertState.FIRING, Severity.WARNING, DAY));
      long queued = i + 1;
      Await.until(() -> metrics.snapshot().get("pypiwatch_notifications_pending") == queued, WAIT);
      // Well past the group-wait, in steps of the notifier: the next alert makes a message of its own.
      Instant read = clock.instant();
      Await.until(() -> clock.instant().isAfter(read.plus(Duration.ofMinutes(30))), WAIT);
    }
    Await.until(() -> clock.instant().isAfter(downSince.plus(Duration.ofHours(2))), WAIT);
    System.out.printf("receiver down: before the switch %d request(s), %d failed, clock %s%n",
        bot.requests().size(), metrics.failedAttemptsTo("bot"), clock.instant());
    long back = System.nanoTime();
    bot.answer(FakeResponse.status(200, "ok"));
    Await.until(() -> metrics.sentTo("bot") == 3, WAIT, () -> "sent " + metrics.sentTo("bot"));
    List<FakeReceiver.Request> after = bot.requests().stream().filter(r -> r.arrivalNanos() > back).toList();
    assertEquals(List.of("first-pkg", "second-pkg", "third-pkg"), after.stream().map(ReceiverDownIT::pkg).toList(),
        "once each, in order");
    assertEquals(3, after.stream().map(r -> r.header("Idempotency-Key")).distinct().count());
    assertTrue(metrics.failedAttemptsTo("bot") >= 3, "attempts failed while it was down");
    assertEquals(0, metrics.deadLetteredFor("bot"));
    System.out.printf("receiver down: %s simulated, %d failed attempt(s), 3 delivered once in order%n",
        Duration.between(downSince, clock.instant()), metrics.failedAttemptsTo("bot"));

    // 2. Down longer than the retry budget: the notification goes to the dead-letter topic.
    bot.answer(FakeResponse.status(503, "down"));
    int before = bot.requests().size();
    publish(producer, layout.alerts(), NotifierFixtures.alert("fourth-pkg", AlertState.FIRING, Severity.CRITICAL, DAY));
    Await.until(() -> metrics.deadLetteredFor("bot") == 1, WAIT);
    List<FakeReceiver.Request> tried = bot.requests().subList(before, bot.requests().size());
    assertEquals(notify.retry().attempts(), tried.size(), "every attempt of the budget, then no more");
    String key = tried.get(0).header("Idempotency-Key");
    assertTrue(tried.stream().allMatch(r -> key.equals(r.header("Idempotency-Key"))), "one id for every attempt");
    kafka.awaitSettled(notify.dlqTopic());
    List<ConsumerRecord<String, byte[]>> dlq = KafkaTesting.consumeToEnd(clients, notify.dlqTopic(), WAIT);
    assertEquals(1, dlq.size());
    assertEquals("bot", dlq.get(0).key());
    DeadLetter letter = NotificationCodec.decodeDeadLetter(dlq.get(0).value());
    assertEquals(key, letter.notificationId());
    assertEquals(notify.retry().attempts(), letter.attempts());
    assertTrue(letter.error().contains("503"), letter.error());
    assertEquals(List.of("fourth-pkg"), letter.alerts().stream().map(Alert::packageName).toList());

    // 3. The receiver is back: the notifier does not resend a dead letter; the replay does, once.
    bot.answer(FakeResponse.status(200, "ok"));
    String[] listed = cli("dlq", "list", "--config", file.toString());
    assertTrue(listed[0].contains(key) && listed[0].contains("dead-lettered"), listed[0] + listed[1]);
    String[] dry = cli("dlq", "replay", "--config", file.toString(), "--dry-run");
    assertTrue(dry[0].contains("would replay"), dry[0] + dry[1]);
    assertEquals(before + tried.size(), bot.requests().size(), "a dry run sends nothing");
    String[] replayed = cli("dlq", "replay", "--config", file.toString(), "--receiver", "bot", "--since",
        DAY.toString());
    assertTrue(replayed[1].contains("1 replayed, 0 skipped, 0 failed"), replayed[0] + replayed[1]);
    List<FakeReceiver.Request> resent = bot.requests().subList(before + tried.size(), bot.requests().size());
    assertEquals(1, resent.size());
    assertEquals(key, resent.get(0).header("Idempotency-Key"), "the same Idempotency-Key");
    assertEquals("fourth-pkg", pkg(resent.get(0)));
    String[] again = cli("dlq", "replay", "--config", file.toString());
    assertTrue(again[0].contains("already delivered") && again[1].contains("0 replayed, 1 skipped"), again[0] + again[1]);
    assertEquals(before + tried.size() + 1, bot.requests().size(), "a second replay sends nothing");
    assertTrue(cli("dlq", "list", "--config", file.toString())[0].contains("replayed"));
  }

  private static String pkg(FakeReceiver.Request r) {
    try {
      JsonNode alerts = JSON.readTree(r.body()).get("alerts");
      return alerts.get(0).get("package").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void publish(KafkaProducer<String, byte[]> p, String topic, Alert a) throws Exception {
    p.send(new ProducerRecord<>(topic, null, a.fingerprint(), AlertCodec.encode(a), CloudEventHeaders.forAlert(a)))
        .get();
  }

  /** Runs the CLI in-process: its exit code must be 0; returns its stdout and stderr. */
  private static synchronized String[] cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = PypiwatchCommand.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String[] result = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    assertEquals(0, code, String.join(" ", args) + ": " + result[0] + result[1]);
    return result;
  }

  private Path writeConfig(TopicsConfig t, String hook) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    // Ten attempts from 1 min doubling up to 1 h: the budget is about four hours.
    Files.writeString(file, """
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s, recent: %s, poller-state: %s, alerts: %s, silences: %s, partitions: 2}
        notify:
          group-wait: 1s
          repeat-interval: 0s
          max-alert-age: 3650d
          retry: {attempts: 10, initial-backoff: 1m, max-backoff: 1h}
          group-id: %s-notifier
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: bot
              webhook: {url: "%s"}
          default-receivers: [bot]
        watchlist: [first-pkg]
        """.formatted(kafka.bootstrapServers(), t.downloads(), t.recent(), t.pollerState(), t.alerts(), t.silences(),
            t.alerts(), t.alerts(), t.alerts(), hook));
    return file;
  }

  /** The notifier's view of {@code clock}: each read returns the time and moves it {@link #STEP} on. */
  private static final class SteppingClock extends Clock {
    private final TestClock clock;

    SteppingClock(TestClock clock) {
      this.clock = clock;
    }

    @Override
    public Instant instant() {
      Instant now = clock.instant();
      clock.advance(STEP);
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}

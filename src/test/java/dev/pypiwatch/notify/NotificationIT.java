package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with notifications, as a user runs it: a spike at the (simulated) upstream
 * becomes an alert, and the alert arrives once in Slack (a local HTTP server answering 429 first),
 * once in the inbox (GreenMail, down at first) and once at a signed webhook; secrets come from the environment;
 * a restart sends nothing again.
 */
class NotificationIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** A transition no route and no default receiver takes: the notifier finishes it at once. */
  private static final dev.pypiwatch.events.Alert MARKER = NotifierFixtures.resolved("it-marker");
  private static final String HMAC_KEY = "it-hmac-key";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The release line every channel shows for the spike of TODAY - 1. */
  private static final String RELEASE_LINE = "Release: 3.2.0, uploaded 2026-04-08 15:00 UTC, the day before";
  private static final String RELEASED_THE_DAY_BEFORE = """
      {"info": {"name": "busy-pkg", "version": "3.2.0"},
       "releases": {
         "3.1.0": [{"filename": "busy_pkg-3.1.0.tar.gz", "upload_time_iso_8601": "2026-03-01T09:00:00.000000Z"}],
         "3.2.0": [{"filename": "busy_pkg-3.2.0-py3-none-any.whl", "upload_time_iso_8601": "2026-04-08T15:00:00.123456Z"},
                   {"filename": "busy_pkg-3.2.0.tar.gz", "upload_time_iso_8601": "2026-04-08T15:00:04.000000Z"}]},
       "urls": []}
      """;

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private SimulatorServer upstream;
  private FakeReceiver slack;
  private FakeReceiver webhook;
  /** PyPI's JSON API stand-in: busy-pkg 3.2.0 was released the day before the spike. */
  private FakeReceiver pypi;
  private GreenMail smtp;
  private AppConfig config;
  private Service service;

  @BeforeEach
  void start() throws Exception {
    Vertx vertx = kafka.vertx();
    // Stopped after the service (the fixture closes in reverse order), as before.
    SimulatedUpstream sim = new SimulatedUpstream(7)
        .addPackage("busy-pkg", Profile.busy(20_000))
        .setToday(TODAY);
    long usual = sim.count("busy-pkg", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(1));
    sim.revise("busy-pkg", TODAY.minusDays(1), (int) (5 * usual));
    // The simulator's own server, as `pypiwatch simulate` runs it (no rate limit: the client paces).
    upstream = Await.result(SimulatorServer.start(vertx, sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    slack = FakeReceiver.startBlocking(vertx);
    kafka.closeAfterEach(() -> Await.result(slack.stop()));
    webhook = FakeReceiver.startBlocking(vertx);
    kafka.closeAfterEach(() -> Await.result(webhook.stop()));
    pypi = FakeReceiver.startBlocking(vertx).answer("/pypi/busy-pkg/json", FakeResponse.ok(RELEASED_THE_DAY_BEFORE));
    kafka.closeAfterEach(() -> Await.result(pypi.stop()));
    // The SMTP server is down at first (nothing listens on its port); the test starts it later.
    int smtpPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      smtpPort = free.getLocalPort();
    }
    smtp = new GreenMail(new com.icegreen.greenmail.util.ServerSetup(smtpPort, "127.0.0.1",
        com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP));
    kafka.closeAfterEach(smtp::stop);
    String prefix = "nit" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms,
              pypi-json-url: "%s", pypi-json-min-interval: 0s, pypi-json-timeout: 2s}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s.downloads, recent: %s.recent, poller-state: %s.state, alerts: %s.alerts, partitions: 3}
        poller: {freshness-deadline: 5s, transactional-id: %s-poller}
        http: {port: 0}
        rule-engine: {group-id: %s-rules, transactional-id-prefix: %s-rules}
        notify:
          group-wait: 1s
          retry: {attempts: 30, initial-backoff: 100ms, max-backoff: 500ms}
          group-id: %s-notifier
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: team-slack
              slack: {webhook-url: "${SLACK_WEBHOOK_URL}"}
            - name: inbox
              email:
                host: 127.0.0.1
                port: %d
                tls: none
                from: pypiwatch@example.org
                to: [maintainers@example.org]
            - name: bot
              webhook: {url: "${WEBHOOK_URL}", hmac-key: "${WEBHOOK_HMAC_KEY}"}
          routes:
            - match: {rules: [spike, drop], states: [firing]}
              receivers: [team-slack, inbox, bot]
        watchlist: [busy-pkg]
        """.formatted(upstream.baseUrl(), pypi.url("/pypi"), kafka.bootstrapServers(), prefix, prefix, prefix, prefix,
            prefix, prefix, prefix, prefix, prefix, prefix, smtpPort));
    config = ConfigLoader.load(file, Map.of(
        "SLACK_WEBHOOK_URL", slack.url("/services/T000/B000/secret-token"),
        "WEBHOOK_URL", webhook.url("/hooks/pypiwatch"),
        "WEBHOOK_HMAC_KEY", HMAC_KEY));
  }

  @Test
  void anUpstreamSpikeArrivesOnceInSlackTheInboxAndTheWebhookDespiteFaultsAndNotAgainAfterARestart()
      throws Exception {
    // Slack's rate limit first: the notifier waits the Retry-After and sends again.
    slack.script(FakeResponse.rateLimited("1"), FakeReceiver.SLACK_OK);
    service = kafka.startService(config, new SimulatedDayClock(TODAY));

    List<FakeReceiver.Request> slackRequests = slack.awaitRequests(2);
    FakeReceiver.Request slackMessage = slackRequests.get(1);
    assertEquals(slackRequests.get(0).bodyText(), slackMessage.bodyText(), "the retry sends the same message");
    assertTrue(slackMessage.bodyText().contains("busy-pkg") && slackMessage.bodyText().contains("spiked"),
        slackMessage.bodyText());
    JsonNode blocks = JSON.readTree(slackMessage.body()).get("blocks");
    assertTrue(blocks.isArray() && blocks.size() >= 2, blocks.toString());
    assertTrue(slackMessage.bodyText().contains(RELEASE_LINE), "the likely cause: " + slackMessage.bodyText());
    assertTrue(slackMessage.bodyText().contains("Unusual: ") && slackMessage.bodyText().contains("Day: Thursday"),
        slackMessage.bodyText());
    assertTrue(slackRequests.get(1).arrivalNanos() - slackRequests.get(0).arrivalNanos()
        >= Duration.ofMillis(900).toNanos(), "Retry-After: 1 was honoured");

    // SMTP down: the attempts fail and are retried; once the server is up, one e-mail arrives.
    Await.until(() -> service.notifyMetrics().failedAttemptsTo("inbox") >= 2, WAIT);
    assertEquals(0, service.notifyMetrics().sentTo("inbox"));
    smtp.start();
    Await.until(() -> smtp.getReceivedMessages().length >= 1, WAIT);
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertTrue(mail.getSubject().contains("busy-pkg"), mail.getSubject());
    assertEquals("maintainers@example.org", mail.getAllRecipients()[0].toString());
    String raw = GreenMailUtil.getWholeMessage(mail);
    assertTrue(raw.contains("multipart/alternative") && raw.contains("image/png"), "text, HTML and an inline chart");

    FakeReceiver.Request hook = webhook.awaitRequests(1).get(0);
    assertTrue(Signatures.verify(HMAC_KEY.getBytes(StandardCharsets.UTF_8),
        hook.header("X-Pypiwatch-Timestamp"), hook.body(), hook.header("X-Pypiwatch-Signature")),
        "the webhook's signature verifies with the shared key");
    JsonNode payload = JSON.readTree(hook.body());
    assertEquals("spike:busy-pkg:overall:without_mirrors",
        payload.get("alerts").get(0).get("fingerprint").asText(), payload.toString());
    assertEquals(payload.get("id").asText(), hook.header("Idempotency-Key"));
    JsonNode context = payload.get("alerts").get(0).get("context");
    assertEquals("3.2.0", context.get("release").get("version").asText(), payload.toString());
    assertEquals("2026-04-08T15:00:00.123456Z", context.get("release").get("uploaded").asText());
    assertEquals("Thursday", context.get("weekday").asText());
    assertTrue(context.get("unusual").asText().contains("1 day in"), context.toString());
    assertEquals(1, pypi.requests("/pypi/busy-pkg/json").size(), "asked once for three receivers: cached");

    // The sent records are committed: a restart must send nothing again.
    Await.until(() -> webhook.requests().size() == 1 && smtp.getReceivedMessages().length == 1, WAIT);
    awaitEverythingHandled(); // anything pending would have gone out
    service.close();
    service = kafka.startService(config, new SimulatedDayClock(TODAY));
    awaitEverythingHandled(); // rebuilt from the topics and read them to their end again
    assertEquals(2, slack.requests().size(), "Slack: one 429 and one accepted message, nothing after the restart");
    assertEquals(1, smtp.getReceivedMessages().length, "one e-mail");
    assertEquals(1, webhook.requests().size(), "one webhook call");
    assertFalse(slack.requests().stream().anyMatch(r -> r.bodyText().contains("secret-token")));
  }

  @Test
  void whenPypiAnswers500TheAlertGoesOutWithoutTheRelease() throws Exception {
    pypi.answer("/pypi/busy-pkg/json", FakeResponse.status(500, "Internal Server Error"));
    smtp.start();
    service = kafka.startService(config, new SimulatedDayClock(TODAY));

    FakeReceiver.Request hook = webhook.awaitRequests(1).get(0);
    JsonNode alert = JSON.readTree(hook.body()).get("alerts").get(0);
    assertEquals("spike:busy-pkg:overall:without_mirrors", alert.get("fingerprint").asText());
    assertTrue(alert.get("context").get("release").isNull(), alert.toString());
    assertEquals("Thursday", alert.get("context").get("weekday").asText());
    String slackText = slack.awaitRequests(1).get(0).bodyText();
    assertTrue(slackText.contains("spiked") && !slackText.contains("Release:"), slackText);
    Await.until(() -> smtp.getReceivedMessages().length >= 1, WAIT);
    assertFalse(pypi.requests("/pypi/busy-pkg/json").isEmpty(), "PyPI was asked");
  }

  /**
   * Waits until the service has acted on everything in its topics: the poller's cycles are done,
   * the rule stage has committed the end of the downloads (so its transitions are out), and the
   * notifier has committed past a marker transition published after them. The notifier commits
   * past an alert only once every message for it was sent or found in the sent log, so a message
   * that would go out (again) has gone out by then; a group-wait is no longer assumed.
   */
  private void awaitEverythingHandled() throws Exception {
    Await.result(service.poller().idle(), WAIT);
    String alerts = config.kafka().topics().alerts();
    kafka.awaitCommittedToEnd(config.ruleEngine().groupId(), config.kafka().topics().downloads());
    RecordMetadata marker;
    try (KafkaProducer<String, byte[]> p = new KafkaClients(config.kafka(), kafka.bootstrapServers()).newProducer(null)) {
      marker = p.send(new ProducerRecord<>(alerts, null, MARKER.fingerprint(), AlertCodec.encode(MARKER),
          CloudEventHeaders.forAlert(MARKER))).get();
    }
    TopicPartition tp = new TopicPartition(alerts, marker.partition());
    Await.until(() -> KafkaTesting.committedOffsets(kafka.admin(), config.notifications().groupId(), alerts)
        .getOrDefault(tp, 0L) > marker.offset(), WAIT, () -> "the notifier did not commit past the marker " + marker);
  }
}

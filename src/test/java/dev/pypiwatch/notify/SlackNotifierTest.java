package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Slack channel against a real local HTTP server standing in for hooks.slack.com. */
@ExtendWith(VertxExtension.class)
class SlackNotifierTest {
  /** The credential part of a Slack webhook URL. */
  static final String SECRET_PATH = "/services/T0001/B0002/SeCrEtToKeN123";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Notification N = SlackMessageTest.alerts(Notification.Kind.ALERTS,
      List.of(SlackMessageTest.PIP_SPIKE, SlackMessageTest.LLM_SHIFT),
      Map.of("pip", SlackMessageTest.series("pip", 10, 20, 90)));

  private Vertx vertx;
  private FakeReceiver slack;
  private final List<SlackNotifier> notifiers = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    slack = FakeReceiver.startBlocking(vertx);
  }

  @AfterEach
  void stop() {
    notifiers.forEach(SlackNotifier::close);
    Await.result(slack.stop());
  }

  private SlackNotifier notifier(Duration timeout) {
    SlackNotifier n = new SlackNotifier(vertx,
        new NotifyConfig.Slack(Secret.of(slack.url(SECRET_PATH))), timeout);
    notifiers.add(n);
    return n;
  }

  private SlackNotifier notifier() {
    return notifier(SlackNotifier.DEFAULT_TIMEOUT);
  }

  /** The failure of one delivery, checked to be a DeliveryException that keeps the secret. */
  private DeliveryException failure(SlackNotifier notifier) {
    Throwable t = Await.failure(notifier.deliver(N));
    DeliveryException e = assertInstanceOf(DeliveryException.class, t);
    assertKeepsSecret(e, SECRET_PATH);
    assertTrue(e.getMessage().startsWith("slack receiver 'team': "), e.getMessage());
    return e;
  }

  /** Neither message, toString, causes nor stack trace show {@code secret} or a part of it. */
  static void assertKeepsSecret(Throwable e, String secret) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    List<String> texts = new ArrayList<>(List.of(String.valueOf(e.getMessage()), e.toString(),
        trace.toString()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      texts.add(c.toString());
    }
    String tail = secret.substring(secret.length() - 8);
    for (String text : texts) {
      assertFalse(text.contains(secret) || text.contains(tail), "secret shown in: " + text);
    }
  }

  @Test
  void postsTheRenderedMessageAndSucceedsOnOk() throws IOException {
    Await.result(notifier().deliver(N));
    FakeReceiver.Request r = slack.awaitRequests(1).get(0);
    assertEquals("POST", r.method());
    assertEquals(SECRET_PATH, r.path());
    assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
    assertTrue(r.header("User-Agent").startsWith("pypiwatch/"), r.header("User-Agent"));
    assertEquals(SlackMessage.render(N), JSON.readTree(r.body()));
  }

  @Test
  void rateLimitedIsRetryableAfterTheRequestedWait() {
    slack.script(FakeResponse.status(429, "rate_limited").withHeader("Retry-After", "30"));
    SlackNotifier notifier = notifier();
    DeliveryException e = failure(notifier);
    assertTrue(e.retryable());
    assertEquals(Optional.of(Duration.ofSeconds(30)), e.retryAfter());
    assertEquals("slack receiver 'team': HTTP 429 from localhost: rate_limited (retry after 30 s)",
        e.getMessage());
    // The caller's retry, as the pipeline would make it after the wait.
    Await.result(notifier.deliver(N));
    assertEquals(2, slack.requests(SECRET_PATH).size());
  }

  @Test
  void serverErrorIsRetryable() {
    slack.script(FakeResponse.status(500, "internal_error"));
    DeliveryException e = failure(notifier());
    assertTrue(e.retryable());
    assertEquals(Optional.empty(), e.retryAfter());
    assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("internal_error"));
  }

  @ParameterizedTest
  @CsvSource({"400, invalid_payload", "403, invalid_token", "404, no_service",
      "410, channel_is_archived"})
  void slackRejectionsAreNotRetryable(int status, String body) {
    slack.script(FakeResponse.status(status, body).withHeader("Retry-After", "5"));
    DeliveryException e = failure(notifier());
    assertFalse(e.retryable());
    assertEquals(Optional.empty(), e.retryAfter(), "a wait means nothing when no retry follows");
    assertEquals("slack receiver 'team': HTTP " + status + " from localhost: " + body
        + " (not retryable)", e.getMessage());
  }

  @Test
  void anErrorPageQuotingTheUrlIsMasked() {
    slack.script(FakeResponse.status(404, "Cannot POST " + SECRET_PATH + " (" + slack.url(SECRET_PATH) + ")"));
    DeliveryException e = failure(notifier());
    assertEquals("slack receiver 'team': HTTP 404 from localhost: Cannot POST **** (****)"
        + " (not retryable)", e.getMessage());
  }

  @Test
  void noAnswerInTimeIsRetryable() {
    Await.result(notifier().deliver(N)); // warm up both sides, so that only the wait counts
    SlackNotifier notifier = notifier(Duration.ofMillis(500));
    slack.script(FakeReceiver.SLACK_OK.withDelay(Duration.ofSeconds(60)));
    long start = System.nanoTime();
    DeliveryException e = failure(notifier);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "gave up in time, not at the 60 s answer");
    assertTrue(e.retryable());
    assertEquals("slack receiver 'team': no answer from localhost within 500 ms", e.getMessage());
  }

  @Test
  void connectionRefusedIsRetryable() {
    SlackNotifier notifier = notifier();
    Await.result(slack.stop());
    DeliveryException e = failure(notifier);
    assertTrue(e.retryable());
    assertTrue(e.getMessage().startsWith("slack receiver 'team': cannot reach localhost: "),
        e.getMessage());
    slack = FakeReceiver.startBlocking(vertx); // for stop()
  }

  @Test
  void anUnusableUrlIsRejectedWithoutShowingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SlackNotifier(vertx, new NotifyConfig.Slack(Secret.of("hooks.slack.com" + SECRET_PATH))));
    assertKeepsSecret(e, SECRET_PATH);
  }
}

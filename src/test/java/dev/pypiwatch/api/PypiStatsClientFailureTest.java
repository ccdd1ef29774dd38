package dev.pypiwatch.api;

import static dev.pypiwatch.api.PypiStatsException.Kind.BODY_TOO_LARGE;
import static dev.pypiwatch.api.PypiStatsException.Kind.CONNECTION;
import static dev.pypiwatch.api.PypiStatsException.Kind.HTTP_ERROR;
import static dev.pypiwatch.api.PypiStatsException.Kind.INVALID_RESPONSE;
import static dev.pypiwatch.api.PypiStatsException.Kind.RATE_LIMITED;
import static dev.pypiwatch.api.PypiStatsException.Kind.SERVER_ERROR;
import static dev.pypiwatch.api.PypiStatsException.Kind.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.Fixtures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Failures that are not retried, or retried and exhausted: kinds, statuses, messages. */
@ExtendWith(VertxExtension.class)
class PypiStatsClientFailureTest {
  private static final String OVERALL = "/packages/numpy/overall";
  private static final String SYSTEM = "/packages/llm/system";

  private Vertx vertx;
  private FakePypiStats fake;
  private PypiStatsClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    fake = FakePypiStats.startBlocking(vertx);
    client = new PypiStatsClient(vertx, TestConfigs.fast(fake.baseUrl()));
  }

  @AfterEach
  void stop() {
    client.close();
    Await.result(fake.stop());
  }

  private static PypiStatsException failure(Future<?> future) {
    return assertInstanceOf(PypiStatsException.class, Await.failure(future));
  }

  private PypiStatsException systemFailure(FakeResponse answer) {
    fake.serve(SYSTEM, answer);
    return failure(client.fetchSystem("llm", null));
  }

  @Test
  void serverErrorsExhaustedNameStatusAndBody() {
    fake.serve(OVERALL, FakeResponse.temporarilyDisabled());
    PypiStatsException e = failure(client.fetchOverall("numpy", null));
    assertEquals(SERVER_ERROR, e.kind());
    assertEquals(503, e.status());
    assertEquals(3, e.attempts());
    assertTrue(e.retryable());
    assertEquals("pypistats overall of 'numpy': HTTP 503 after 3 attempts: "
        + "\"503 TEMPORARILY DISABLED\"", e.getMessage());
    assertEquals(3, fake.requests(OVERALL).size());
  }

  @Test
  void rateLimitsExhaustedAreRateLimitedWithAnExcerptOfTheHtml() {
    ApiConfig config = TestConfigs.withAttempts(TestConfigs.fast(fake.baseUrl()), 2);
    try (PypiStatsClient two = new PypiStatsClient(vertx, config)) {
      fake.serve(OVERALL, FakeResponse.rateLimited());
      PypiStatsException e = failure(two.fetchOverall("numpy", null));
      assertEquals(RATE_LIMITED, e.kind());
      assertEquals(429, e.status());
      assertEquals(2, e.attempts());
      assertTrue(e.getMessage().startsWith("pypistats overall of 'numpy': HTTP 429 after 2 "
          + "attempts: \"<!DOCTYPE HTML"), e.getMessage());
      assertTrue(e.getMessage().length() < 200, e.getMessage());
    }
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    PypiStatsException e = systemFailure(FakeResponse.status(400, "bad\n\n  request"));
    assertEquals(HTTP_ERROR, e.kind());
    assertEquals(400, e.status());
    assertEquals(1, e.attempts());
    assertFalse(e.retryable());
    assertEquals("pypistats system of 'llm': HTTP 400: \"bad request\"", e.getMessage());
    assertEquals(1, fake.requests().size());
  }

  @Test
  void timeoutsExhaustedAreTimeout() {
    fake.serve(SYSTEM, FakeResponse.ok(Fixtures.text("llm_system.json"))
        .withDelay(Duration.ofMillis(2000)));
    ApiConfig config = TestConfigs.withTimeout(TestConfigs.fast(fake.baseUrl()),
        Duration.ofMillis(300));
    PypiStatsException e;
    try (PypiStatsClient impatient = new PypiStatsClient(vertx, config)) {
      e = failure(impatient.fetchSystem("llm", null));
    }
    assertEquals(TIMEOUT, e.kind());
    assertEquals(3, e.attempts());
    assertEquals(0, e.status());
    assertEquals("pypistats system of 'llm': no complete answer within 300 ms after 3 attempts",
        e.getMessage());
    assertEquals(3, fake.requests().size());
  }

  @Test
  void connectionRefusedIsConnection() {
    Await.result(fake.stop());
    PypiStatsException e = failure(client.fetchRecent("pip", null));
    assertEquals(CONNECTION, e.kind());
    assertEquals(3, e.attempts());
    assertTrue(e.getMessage().startsWith("pypistats recent of 'pip': connection failed: "),
        e.getMessage());
  }

  @Test
  void connectionClosedMidBodyExhaustedIsConnection() {
    String body = Fixtures.text("llm_system.json");
    PypiStatsException e = systemFailure(FakeResponse.closedEarly(body, 100));
    assertEquals(CONNECTION, e.kind());
    assertEquals(200, e.status());
    assertEquals(3, e.attempts());
    assertTrue(e.getMessage().contains("connection closed before the end of the body"),
        e.getMessage());
  }

  @Test
  void jsonCutShortButCompleteOverHttpIsInvalidAndNotRetried() {
    String body = Fixtures.text("llm_system.json");
    PypiStatsException e = systemFailure(FakeResponse.cutMidJson(body, body.length() / 2));
    assertEquals(INVALID_RESPONSE, e.kind());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith("pypistats system of 'llm': invalid response: data["),
        e.getMessage());
    assertTrue(e.getMessage().contains("truncated body"), e.getMessage());
    assertEquals(1, fake.requests().size());
  }

  @Test
  void schemaErrorsNameThePathAndValue() {
    String row = "{\"category\":\"Linux\",\"date\":\"2020-01-01\",\"downloads\":%s}";
    String[][] cases = {
        {"\"12\"", "data[0].downloads: expected a non-negative integer, got \"12\""},
        {"1.5", "data[0].downloads: expected a non-negative integer, got 1.5"},
        {"-3", "data[0].downloads: expected a non-negative integer, got -3"},
    };
    for (String[] c : cases) {
      PypiStatsException e = systemFailure(FakeResponse.ok(
          "{\"data\":[" + String.format(row, c[0]) + "],\"package\":\"llm\"}"));
      assertEquals(INVALID_RESPONSE, e.kind());
      assertEquals("pypistats system of 'llm': invalid response: " + c[1], e.getMessage());
    }
    PypiStatsException date = systemFailure(FakeResponse.ok(
        "{\"data\":[{\"category\":null,\"date\":\"01/02/2020\",\"downloads\":1}]}"));
    assertTrue(date.getMessage().endsWith("data[0].date: expected an ISO date (YYYY-MM-DD), "
        + "got \"01/02/2020\""), date.getMessage());
    PypiStatsException notArray = systemFailure(FakeResponse.ok("{\"data\":{}}"));
    assertTrue(notArray.getMessage().endsWith("data: expected an array, got an object"));
    PypiStatsException html = systemFailure(FakeResponse.ok("<html>oops</html>"));
    assertTrue(html.getMessage().contains("malformed JSON"), html.getMessage());
    assertEquals(6, fake.requests().size()); // none retried
  }

  @Test
  void bodiesOverTheCapAreRejected() {
    ApiConfig config = TestConfigs.withMaxBody(TestConfigs.fast(fake.baseUrl()), 10_000);
    String body = Fixtures.text("llm_system.json");
    assertTrue(body.length() > 20_000);
    try (PypiStatsClient small = new PypiStatsClient(vertx, config)) {
      fake.serve(SYSTEM, FakeResponse.ok(body));
      PypiStatsException declared = failure(small.fetchSystem("llm", null));
      assertEquals(BODY_TOO_LARGE, declared.kind());
      assertTrue(declared.getMessage().contains("(Content-Length) exceeds the cap of 10000 bytes"),
          declared.getMessage());
      fake.serve(SYSTEM, FakeResponse.ok(body).chunked());
      PypiStatsException streamed = failure(small.fetchBody("llm", Endpoint.SYSTEM));
      assertEquals(BODY_TOO_LARGE, streamed.kind());
      assertEquals("pypistats system of 'llm': body exceeds the cap of 10000 bytes",
          streamed.getMessage());
      assertEquals(2, fake.requests().size());
    }
  }
}

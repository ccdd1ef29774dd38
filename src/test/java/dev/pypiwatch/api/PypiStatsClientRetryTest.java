package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.Fixtures;
import dev.pypiwatch.testing.RecordedRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries that succeed, back-off timing, and pacing, observed at the fake server. */
@ExtendWith(VertxExtension.class)
class PypiStatsClientRetryTest {
  private static final String SYSTEM = "/packages/llm/system";
  private static final String BODY = Fixtures.text("llm_system.json");

  private Vertx vertx;
  private FakePypiStats fake;
  private final List<PypiStatsClient> clients = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    fake = FakePypiStats.startBlocking(vertx);
    fake.serve(SYSTEM, FakeResponse.ok(BODY));
  }

  @AfterEach
  void stop() {
    clients.forEach(PypiStatsClient::close);
    Await.result(fake.stop());
  }

  private PypiStatsClient client(ApiConfig config) {
    PypiStatsClient c = new PypiStatsClient(vertx, config);
    clients.add(c);
    return c;
  }

  private ApiConfig fast() {
    return TestConfigs.fast(fake.baseUrl());
  }

  private static long sinceMillis(long issuedNanos, RecordedRequest r) {
    return (r.arrivalNanos() - issuedNanos) / 1_000_000;
  }

  private static long gapMillis(RecordedRequest earlier, RecordedRequest later) {
    return (later.arrivalNanos() - earlier.arrivalNanos()) / 1_000_000;
  }

  private void assertSystemSucceedsAfter(PypiStatsClient client, int requests) {
    ApiResponse<SeriesResponse> r = Await.result(client.fetchSystem("llm", null));
    assertEquals("llm", r.value().packageName());
    assertEquals(requests, fake.requests(SYSTEM).size());
  }

  @Test
  void slowAnswerTimesOutThenTheRetrySucceeds() {
    fake.script(SYSTEM, FakeResponse.ok(BODY).withDelay(Duration.ofMillis(1500)));
    assertSystemSucceedsAfter(client(TestConfigs.withTimeout(fast(), Duration.ofMillis(300))), 2);
  }

  @Test
  void serverErrorThenSuccess() {
    fake.script(SYSTEM, FakeResponse.status(500, "boom"), FakeResponse.temporarilyDisabled());
    assertSystemSucceedsAfter(client(fast()), 3);
  }

  @Test
  void requestTimeoutIsRetriedLikeAServerError() {
    // 408: the server gave up waiting for the request; RetryPolicy says sending it again is what it asks for.
    fake.script(SYSTEM, FakeResponse.status(408, "request timeout"));
    assertSystemSucceedsAfter(client(fast()), 2);
  }

  @Test
  void connectionClosedMidBodyThenSuccess() {
    fake.script(SYSTEM, FakeResponse.closedEarly(BODY, 1000));
    assertSystemSucceedsAfter(client(fast()), 2);
  }

  @Test
  void honoursRetryAfter() {
    fake.script(SYSTEM, FakeResponse.rateLimited("1"));
    long issued = System.nanoTime();
    assertSystemSucceedsAfter(client(fast()), 2);
    // At least the second asked for, counted from before the first request (its recorded arrival
    // may lag on a loaded machine); the upper bound only says it is that wait, not another.
    long since = sinceMillis(issued, fake.requests().get(1));
    long gap = gapMillis(fake.requests().get(0), fake.requests().get(1));
    assertTrue(since >= 990 && gap < 10_000, "retry " + since + " ms after the first was issued, gap " + gap + " ms");
  }

  @Test
  void rateLimitWithoutRetryAfterWaitsTheRateLimitBackoff() {
    ApiConfig config = TestConfigs.withRateLimitBackoff(fast(), Duration.ofMillis(300));
    fake.script(SYSTEM, FakeResponse.rateLimited());
    long issued = System.nanoTime();
    assertSystemSucceedsAfter(client(config), 2);
    // 300 ms plus up to a quarter of jitter; far above the 10 ms initialBackoff.
    long since = sinceMillis(issued, fake.requests().get(1));
    long gap = gapMillis(fake.requests().get(0), fake.requests().get(1));
    assertTrue(since >= 295 && gap < 10_000, "retry " + since + " ms after the first was issued, gap " + gap + " ms");
  }

  @Test
  void rateLimitPausesEveryRequestOfTheClient() {
    ApiConfig config = TestConfigs.withPacing(
        TestConfigs.withRateLimitBackoff(fast(), Duration.ofMillis(300)), Duration.ZERO, 1);
    PypiStatsClient client = client(config);
    fake.script(SYSTEM, FakeResponse.rateLimited().withDelay(Duration.ofMillis(50)));
    fake.serveFixture("pip", Endpoint.RECENT, "pip_recent.json");
    long issued = System.nanoTime();
    Future<?> first = client.fetchSystem("llm", null);
    Await.until(() -> fake.requests().size() == 1, Duration.ofSeconds(5));
    Future<?> other = client.fetchRecent("pip", null);
    Await.result(Future.all(first, other));
    RecordedRequest pip = fake.requests("/packages/pip/recent").get(0);
    // The 429 comes 50 ms after the first request, then everything waits 300 ms: measured from
    // before the first request (its recorded arrival may lag on a loaded machine).
    long since = sinceMillis(issued, pip);
    assertTrue(since >= 340, "another package was asked " + since + " ms after the first request");
  }

  @Test
  void requestStartsAreSpacedByTheMinimumInterval() {
    PypiStatsClient client = client(TestConfigs.withPacing(fast(), Duration.ofMillis(100), 2));
    // One request first, so that a cold first connection does not blur the measured gaps.
    Await.result(client.fetchRecent("llm", null).otherwiseEmpty());
    fake.reset();
    fake.serve(SYSTEM, FakeResponse.ok(BODY));
    List<Future<?>> all = new ArrayList<>();
    long issued = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      all.add(client.fetchSystem("llm", OperatingSystem.values()[i % 4]));
    }
    Await.result(Future.all(all));
    List<RecordedRequest> requests = fake.requests();
    assertEquals(6, requests.size());
    assertPacedSince(issued, requests, 100);
  }

  @Test
  void retriesArePacedToo() {
    fake.script(SYSTEM, FakeResponse.status(502, "bad gateway"));
    PypiStatsClient client = client(TestConfigs.withPacing(fast(), Duration.ofMillis(200), 2));
    // Measured from before the first request, as the pacer spaces starts: a late-recorded first
    // arrival on a loaded machine would shorten the arrival-to-arrival gap, not this one.
    long issued = System.nanoTime();
    assertSystemSucceedsAfter(client, 2);
    assertPacedSince(issued, fake.requests(), 200);
  }

  @Test
  void concurrencyNeverExceedsTheLimit() {
    fake.serve(SYSTEM, FakeResponse.ok(BODY).withDelay(Duration.ofMillis(150)));
    PypiStatsClient client = client(TestConfigs.withPacing(fast(), Duration.ofMillis(5), 2));
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(client.fetchSystem("llm", null));
    }
    Await.result(Future.all(all));
    assertEquals(6, fake.requests().size());
    assertEquals(2, fake.maxConcurrent());
  }

  @Test
  void clientsSharingAPacerArePacedTogether() {
    ApiConfig config = TestConfigs.withPacing(fast(), Duration.ofMillis(100), 2);
    RequestPacer pacer = new RequestPacer(vertx, config.minInterval(), config.maxConcurrency());
    try (PypiStatsClient a = new PypiStatsClient(vertx, config, pacer);
        PypiStatsClient b = new PypiStatsClient(vertx, config, pacer)) {
      Await.result(a.fetchRecent("llm", null).otherwiseEmpty()); // warm connections
      Await.result(b.fetchRecent("llm", null).otherwiseEmpty());
      fake.reset();
      fake.serve(SYSTEM, FakeResponse.ok(BODY));
      long issued = System.nanoTime();
      Await.result(Future.all(a.fetchSystem("llm", null), b.fetchSystem("llm", null),
          a.fetchSystem("llm", null), b.fetchSystem("llm", null)));
      List<RecordedRequest> requests = fake.requests();
      assertEquals(4, requests.size());
      assertPacedSince(issued, requests, 100);
    }
  }

  /**
   * The i-th request to arrive came at least {@code i * intervalMs} after {@code issued} (taken
   * before the requests were issued): no two started within one interval. Measured from that time,
   * not between arrivals: one arrival delayed on a loaded machine would shorten the gap to the next.
   */
  private static void assertPacedSince(long issued, List<RecordedRequest> requests, long intervalMs) {
    for (int i = 0; i < requests.size(); i++) {
      long since = sinceMillis(issued, requests.get(i));
      assertTrue(since >= intervalMs * i, "request " + i + " arrived " + since + " ms after the first was issued");
    }
  }

  @Test
  void closingAbandonsPendingRetries() {
    fake.script(SYSTEM, FakeResponse.rateLimited("60"));
    PypiStatsClient client = client(fast());
    Future<?> pending = client.fetchSystem("llm", null);
    Await.until(() -> fake.requests().size() == 1, Duration.ofSeconds(5));
    client.close();
    long start = System.nanoTime();
    PypiStatsException e = (PypiStatsException) Await.failure(pending);
    assertTrue(System.nanoTime() - start < 30_000_000_000L, "waited for the 60 s back-off");
    assertEquals(PypiStatsException.Kind.CONNECTION, e.kind());
    assertTrue(e.getMessage().contains("client closed"), e.getMessage());
  }
}

package dev.pypiwatch.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake notification receiver for tests: an HTTP server on an ephemeral port that stands in for a
 * Slack incoming webhook or any JSON webhook. It records every request with its body and answers
 * with scripted {@link FakeResponse}s, e.g. a 429 with {@code Retry-After}, then 200.
 *
 * <pre>{@code
 * FakeReceiver slack = FakeReceiver.startBlocking(vertx);
 * slack.script(FakeResponse.status(429, "rate_limited").withHeader("Retry-After", "30"));
 * ... new SlackNotifier(vertx, new NotifyConfig.Slack(Secret.of(slack.url("/services/T/B/x")))) ...
 * FakeReceiver.Request r = slack.awaitRequests(1).get(0);
 * assertEquals("application/json", r.header("Content-Type"));
 * }</pre>
 *
 * <p>Which answer a request gets: the next scripted one of its path, else the next scripted one of
 * any path, else its path's default, else the overall default (initially 200 {@code ok}, what
 * Slack answers). Paths are matched without the query.
 */
public final class FakeReceiver extends FakeHttpServer {
  /** What Slack's incoming webhooks answer on success. */
  public static final FakeResponse SLACK_OK = FakeResponse.status(200, "ok");

  private final Map<String, FakeResponse> pathDefaults = new HashMap<>();
  private final Map<String, Deque<FakeResponse>> pathScripts = new HashMap<>();
  private final Deque<FakeResponse> script = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private FakeResponse fallback = SLACK_OK;

  /**
   * A request as received.
   *
   * @param path the raw (still URL-encoded) path, e.g. {@code /services/T000/B000/XXXX}
   * @param query the raw query string, or null
   * @param body the exact bytes of the body
   * @param arrivalNanos {@link System#nanoTime()} when the body was complete
   */
  public record Request(String method, String path, String query, MultiMap headers, byte[] body,
      long arrivalNanos) {
    /** A request header, case-insensitive; null if absent. */
    public String header(String name) {
      return headers.get(name);
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private FakeReceiver(Vertx vertx) {
    super(vertx);
  }

  /** Starts a server on an ephemeral port of localhost. */
  public static Future<FakeReceiver> start(Vertx vertx) {
    FakeReceiver fake = new FakeReceiver(vertx);
    return fake.listen().map(v -> fake);
  }

  /** {@link #start} for test set-up code on a non-Vert.x thread. */
  public static FakeReceiver startBlocking(Vertx vertx) {
    return Await.result(start(vertx));
  }

  /** {@code http://localhost:PORT<path>}: the URL to configure a receiver with. */
  public String url(String path) {
    return "http://localhost:" + port() + path;
  }

  /** The answer of every request nothing else is scripted or set for (initially 200 ok). */
  public synchronized FakeReceiver answer(FakeResponse response) {
    fallback = response;
    return this;
  }

  /** The default answer of requests to {@code path}. */
  public synchronized FakeReceiver answer(String path, FakeResponse response) {
    pathDefaults.put(path, response);
    return this;
  }

  /** Queues answers for requests to any path, used one per request in order. */
  public synchronized FakeReceiver script(FakeResponse... responses) {
    script.addAll(List.of(responses));
    return this;
  }

  /** Queues answers for requests to {@code path}, used one per request before any other. */
  public synchronized FakeReceiver script(String path, FakeResponse... responses) {
    pathScripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(responses));
    return this;
  }

  /** Every request received, in order of arrival. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests received for {@code path}. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Waits (up to {@link Await#DEFAULT}) until at least {@code count} requests arrived; returns all of them. */
  public List<Request> awaitRequests(int count) {
    Await.until(() -> requests.size() >= count);
    return requests();
  }

  /** Forgets answers, scripts and recorded requests; the default is 200 ok again. */
  public synchronized void reset() {
    pathDefaults.clear();
    pathScripts.clear();
    script.clear();
    requests.clear();
    fallback = SLACK_OK;
  }

  private synchronized FakeResponse next(String path) {
    Deque<FakeResponse> forPath = pathScripts.get(path);
    if (forPath != null && !forPath.isEmpty()) {
      return forPath.poll();
    }
    if (!script.isEmpty()) {
      return script.poll();
    }
    return pathDefaults.getOrDefault(path, fallback);
  }

  @Override
  void handle(HttpServerRequest request) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    request.body().onSuccess(body -> {
      requests.add(new Request(request.method().name(), request.path(), request.query(), headers,
          body.getBytes(), System.nanoTime()));
      FakeResponse answer = next(request.path());
      answer(request, answer);
    });
  }
}

package dev.pypiwatch.testing;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.simulate.Answer;
import dev.pypiwatch.simulate.Upstream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake PyPI Stats server for tests: an HTTP server on an ephemeral port that answers
 * {@code /api/packages/{pkg}/{endpoint}} with registered bodies (e.g. real fixtures), or with
 * scripted answers consumed in order, and records every request.
 *
 * <pre>{@code
 * FakePypiStats fake = FakePypiStats.startBlocking(vertx);
 * fake.serveFixture("pip", Endpoint.RECENT, "pip_recent.json");
 * fake.script("/packages/pip/overall", FakeResponse.status(500, "boom"), FakeResponse.ok(body));
 * ... new PypiStatsClient(vertx, config.withBaseUrl(fake.baseUrl())) ...
 * assertEquals(2, fake.requests("/packages/pip/overall").size());
 * }</pre>
 *
 * <p>Paths are keyed below {@code /api} and without the query. Without a default or script, a
 * path is answered by the {@link #serve(Upstream) upstream} if one is set (e.g. a
 * {@link dev.pypiwatch.simulate.SimulatedUpstream}: the simulator's data with this server's
 * scripted faults on top), else like the real server for an unknown package: 404 with text
 * {@code 404}.
 */
public final class FakePypiStats extends FakeHttpServer {
  private static final String PREFIX = "/api";

  private final Map<String, FakeResponse> defaults = new HashMap<>();
  private final Map<String, Deque<FakeResponse>> scripts = new HashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private Upstream upstream;

  private FakePypiStats(Vertx vertx) {
    super(vertx);
  }

  /** Starts a server on an ephemeral port of localhost. */
  public static Future<FakePypiStats> start(Vertx vertx) {
    FakePypiStats fake = new FakePypiStats(vertx);
    return fake.listen().map(v -> fake);
  }

  /** {@link #start} for test set-up code on a non-Vert.x thread. */
  public static FakePypiStats startBlocking(Vertx vertx) {
    return Await.result(start(vertx));
  }

  /** {@code http://localhost:PORT/api}: the base URL to configure the client with. */
  public String baseUrl() {
    return "http://localhost:" + port() + PREFIX;
  }

  /** The path key of an endpoint of a package (normalized as the client sends it). */
  public static String path(String pkg, Endpoint endpoint) {
    return "/packages/" + PackageName.normalize(pkg) + "/" + endpoint.path();
  }

  /** Answers every request of {@code pkg}'s {@code endpoint} (any query) with 200 and {@code json}. */
  public FakePypiStats serve(String pkg, Endpoint endpoint, String json) {
    return serve(path(pkg, endpoint), FakeResponse.ok(json));
  }

  /** Like {@link #serve(String, Endpoint, String)} with a fixture file, e.g. {@code llm_system.json}. */
  public FakePypiStats serveFixture(String pkg, Endpoint endpoint, String fixture) {
    return serve(pkg, endpoint, Fixtures.text(fixture));
  }

  /** The default answer of {@code path}, used whenever no scripted answer is left. */
  public synchronized FakePypiStats serve(String path, FakeResponse response) {
    defaults.put(path, response);
    return this;
  }

  /** Answers every path without a script or default from {@code upstream}. */
  public synchronized FakePypiStats serve(Upstream upstream) {
    this.upstream = upstream;
    return this;
  }

  /** Queues answers for {@code path}, used one per request in order, before the default. */
  public synchronized FakePypiStats script(String path, FakeResponse... responses) {
    scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(responses));
    return this;
  }

  /** Every request received, in order of arrival. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The requests received for {@code path}. */
  public List<RecordedRequest> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** The largest number of requests that were being answered at the same time. */
  public int maxConcurrent() {
    return maxInFlight.get();
  }

  /** Forgets defaults, scripts and recorded requests. */
  public synchronized void reset() {
    defaults.clear();
    scripts.clear();
    upstream = null;
    requests.clear();
    maxInFlight.set(0);
  }

  private synchronized FakeResponse next(String path, HttpServerRequest request) {
    Deque<FakeResponse> queue = scripts.get(path);
    if (queue != null && !queue.isEmpty()) {
      return queue.poll();
    }
    FakeResponse answer = defaults.get(path);
    if (answer != null) {
      return answer;
    }
    return upstream == null ? FakeResponse.notFound() : fromUpstream(path, request);
  }

  private FakeResponse fromUpstream(String path, HttpServerRequest request) {
    String[] parts = path.split("/"); // "", "packages", pkg, endpoint
    Optional<Endpoint> endpoint = parts.length == 4 && parts[1].equals("packages")
        ? Endpoint.fromPath(parts[3]) : Optional.empty();
    if (endpoint.isEmpty()) {
      return FakeResponse.notFound();
    }
    Map<String, String> query = new LinkedHashMap<>();
    request.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
    Answer a = upstream.answer(parts[2], endpoint.get(), query);
    return new FakeResponse(a.status(), Map.of("Content-Type", a.contentType()),
        a.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), java.time.Duration.ZERO,
        FakeResponse.Delivery.WHOLE, 0);
  }

  @Override
  void handle(HttpServerRequest request) {
    long arrival = System.nanoTime();
    String raw = request.path();
    String path = raw.startsWith(PREFIX) ? raw.substring(PREFIX.length()) : raw;
    requests.add(new RecordedRequest(request.method().name(), path, request.query(),
        MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), arrival));
    trackConcurrency(request.response());
    FakeResponse answer = next(path, request);
    answer(request, answer);
  }

  private void trackConcurrency(HttpServerResponse response) {
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish = () -> {
      if (done.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    };
    response.endHandler(v -> finish.run());
    response.closeHandler(v -> finish.run());
  }
}

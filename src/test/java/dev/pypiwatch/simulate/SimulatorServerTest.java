package dev.pypiwatch.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.api.ApiResponse;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.testing.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pypiwatch simulate}'s server over real HTTP: every endpoint and parameter against the
 * spec and the real server's habits (status, Content-Type, compact sorted JSON, no zero rows,
 * 404 vs empty 200, 429 without Retry-After), the clock API, the recorded mode, and the project's
 * own client reading it.
 */
class SimulatorServerTest {
  private static final LocalDate TODAY = LocalDate.of(2025, 7, 1);
  private static final ObjectMapper JSON = new ObjectMapper();
  // HTTP/1.1 like the project's client (no h2c upgrade), and a deadline so a lost answer fails the
  // test instead of hanging it.
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static Vertx vertx;
  private SimulatedUpstream sim;
  private SimulatorServer server;
  private HttpClient http;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void start() {
    sim = SyntheticPackages.upstream(TODAY, TODAY);
    server = Await.result(SimulatorServer.start(vertx, sim, "127.0.0.1", 0, 0));
    // One client per test: no pooled connection outlives the server it was opened to.
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(DEADLINE).build();
  }

  @AfterEach
  void stop() {
    Await.result(server.stop());
  }

  private record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private Reply get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(root() + pathAndQuery)).GET().build());
  }

  private Reply post(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(root() + pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(request, (k, v) -> true).timeout(DEADLINE).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
  }

  private String root() {
    return "http://127.0.0.1:" + server.port();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Checks a time-series answer's shape; returns its categories. */
  private static Set<String> assertSeriesShape(Reply r, String pkg, Endpoint e, LocalDate today) throws IOException {
    assertEquals(200, r.status(), r.body());
    assertEquals("application/json", r.contentType());
    assertFalse(r.body().contains(" ") || r.body().contains("\n"), "compact JSON");
    JsonNode root = r.json();
    assertEquals(List.of("data", "package", "type"), fieldNames(root));
    assertEquals(pkg, root.get("package").asText());
    assertEquals(e.path() + "_downloads", root.get("type").asText());
    Set<String> categories = new TreeSet<>();
    for (JsonNode row : root.get("data")) {
      assertEquals(List.of("category", "date", "downloads"), fieldNames(row));
      assertTrue(row.get("downloads").asLong() > 0, "no row for a zero day: " + row);
      LocalDate d = LocalDate.parse(row.get("date").asText());
      assertTrue(d.isBefore(today) && !d.isBefore(today.minusDays(181)), "in the window: " + d);
      categories.add(row.get("category").asText());
    }
    return categories;
  }

  @Test
  void everyEndpointUnfilteredHasTheRealShape() throws Exception {
    String pkg = "rocketlib";
    assertEquals(Set.of("with_mirrors", "without_mirrors"),
        assertSeriesShape(get("/api/packages/" + pkg + "/overall"), pkg, Endpoint.OVERALL, TODAY));
    assertEquals(Set.of("2", "3", "null"),
        assertSeriesShape(get("/api/packages/" + pkg + "/python_major"), pkg, Endpoint.PYTHON_MAJOR, TODAY));
    assertEquals(Set.of("2.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "null"),
        assertSeriesShape(get("/api/packages/" + pkg + "/python_minor"), pkg, Endpoint.PYTHON_MINOR, TODAY));
    assertEquals(Set.of("Darwin", "Linux", "Windows", "other", "null"),
        assertSeriesShape(get("/api/packages/" + pkg + "/system"), pkg, Endpoint.SYSTEM, TODAY));
    Reply recent = get("/api/packages/" + pkg + "/recent");
    assertEquals(200, recent.status());
    assertEquals("application/json", recent.contentType());
    assertEquals(List.of("data", "package", "type"), fieldNames(recent.json()));
    assertEquals(List.of("last_day", "last_month", "last_week"), fieldNames(recent.json().get("data")));
    assertEquals(sim.recent(pkg).lastWeek(), recent.json().get("data").get("last_week").asLong());
    assertEquals("recent_downloads", recent.json().get("type").asText());
  }

  @Test
  void everyQueryParameterFiltersLikeTheRealServer() throws Exception {
    String base = "/api/packages/vector-math/";
    for (String period : List.of("day", "week", "month")) {
      JsonNode data = get(base + "recent?period=" + period).json().get("data");
      assertEquals(List.of("last_" + period), fieldNames(data));
    }
    assertEquals(404, get(base + "recent?period=year").status());
    assertEquals(Set.of("with_mirrors"), assertSeriesShape(get(base + "overall?mirrors=true"), "vector-math", Endpoint.OVERALL, TODAY));
    assertEquals(Set.of("without_mirrors"), assertSeriesShape(get(base + "overall?mirrors=false"), "vector-math", Endpoint.OVERALL, TODAY));
    assertEquals(Set.of("3"), assertSeriesShape(get(base + "python_major?version=3"), "vector-math", Endpoint.PYTHON_MAJOR, TODAY));
    assertEquals(Set.of("2"), assertSeriesShape(get(base + "python_major?version=2"), "vector-math", Endpoint.PYTHON_MAJOR, TODAY));
    assertEquals(Set.of("3.12"), assertSeriesShape(get(base + "python_minor?version=3.12"), "vector-math", Endpoint.PYTHON_MINOR, TODAY));
    assertEquals(Set.of("Linux"), assertSeriesShape(get(base + "system?os=linux"), "vector-math", Endpoint.SYSTEM, TODAY));
    assertEquals(Set.of("Windows"), assertSeriesShape(get(base + "system?os=windows"), "vector-math", Endpoint.SYSTEM, TODAY));
    assertEquals(Set.of("Darwin"), assertSeriesShape(get(base + "system?os=darwin"), "vector-math", Endpoint.SYSTEM, TODAY));
    // The upstream title-cases the value: its stored "other" and "null" are never matched.
    assertEquals(Set.of(), assertSeriesShape(get(base + "system?os=other"), "vector-math", Endpoint.SYSTEM, TODAY));
    assertEquals(Set.of(), assertSeriesShape(get(base + "python_minor?version=null"), "vector-math", Endpoint.PYTHON_MINOR, TODAY));
    // A filtered answer has exactly the unfiltered rows of that category.
    long linux = sim.count("vector-math", Endpoint.SYSTEM, "Linux", TODAY.minusDays(3));
    JsonNode rows = get(base + "system?os=linux").json().get("data");
    boolean seen = false;
    for (JsonNode row : rows) {
      if (row.get("date").asText().equals(TODAY.minusDays(3).toString())) {
        assertEquals(linux, row.get("downloads").asLong());
        seen = true;
      }
    }
    assertTrue(seen);
  }

  @Test
  void unknownPackage404FromRecentAndOverallEmptyElsewhere() throws Exception {
    for (String e : List.of("recent", "overall")) {
      Reply r = get("/api/packages/no-such-package/" + e);
      assertEquals(404, r.status());
      assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
      assertEquals("404", r.body());
    }
    for (Endpoint e : List.of(Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
      Reply r = get("/api/packages/no-such-package/" + e.path());
      assertEquals(200, r.status());
      assertEquals("{\"data\":[],\"package\":\"no-such-package\",\"type\":\"" + e.path() + "_downloads\"}", r.body());
    }
    // The server does not lower-case: an upper-case name is another (unknown) package.
    assertEquals(404, get("/api/packages/RocketLib/overall").status());
    assertEquals(404, get("/api/packages/rocketlib/nothing").status());
  }

  @Test
  void holeAndTransientEmptyAnswer() throws Exception {
    LocalDate hole = TODAY.minusDays(SyntheticPackages.HOLE_DAYS_BEFORE);
    for (String pkg : List.of("__all__", "xylo-core", "dustpan")) {
      assertFalse(get("/api/packages/" + pkg + "/overall").body().contains("\"" + hole + "\""), pkg);
    }
    assertTrue(get("/api/packages/__all__/overall").body().contains("\"" + hole.plusDays(1) + "\""));
    String path = "/api/packages/" + SyntheticPackages.TRANSIENT_EMPTY + "/system";
    assertEquals("[]", get(path).json().get("data").toString());
    assertTrue(get(path).json().get("data").size() > 100, "only once");
  }

  @Test
  void rateLimitAnswers429WithoutRetryAfterPastTheLimit() throws Exception {
    SimulatorServer limited = Await.result(SimulatorServer.start(vertx, sim, "127.0.0.1", 0, 3));
    try {
      String url = "http://127.0.0.1:" + limited.port();
      for (int i = 0; i < 3; i++) {
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(url + "/api/packages/dustpan/system")).build()).status());
      }
      Reply r = send(HttpRequest.newBuilder(URI.create(url + "/api/packages/dustpan/recent")).build());
      assertEquals(429, r.status());
      assertTrue(r.contentType().startsWith("text/html"), r.contentType());
      assertTrue(r.body().contains("Too Many Requests"));
      assertTrue(r.raw().headers().firstValue("Retry-After").isEmpty());
      // The clock API is not the upstream's: never limited.
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(url + "/_simulate/state")).build()).status());
    } finally {
      Await.result(limited.stop());
    }
  }

  @Test
  void rateLimiterForgetsRequestsOlderThanAMinute() {
    long[] now = {0};
    RateLimiter limiter = new RateLimiter(2, () -> now[0]);
    assertTrue(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("a"));
    assertFalse(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("b"), "per client");
    now[0] = 60_000_000_000L;
    assertTrue(limiter.tryAcquire("a"));
    assertTrue(new RateLimiter(0, () -> 0).tryAcquire("a"), "0 = off");
  }

  @Test
  void clockAdvancePlaysTheDailyUpdate() throws Exception {
    JsonNode state = get("/_simulate/state").json();
    assertEquals(TODAY.toString(), state.get("today").asText());
    assertEquals(SyntheticPackages.names().size(), state.get("packages").size());
    Reply advanced = post("/_simulate/advance?days=3");
    assertEquals(200, advanced.status());
    assertEquals(TODAY.plusDays(3).toString(), advanced.json().get("today").asText());
    assertEquals(TODAY.plusDays(3), sim.today());
    assertSeriesShape(get("/api/packages/dustpan/overall"), "dustpan", Endpoint.OVERALL, TODAY.plusDays(3));
    assertTrue(get("/api/packages/xylo-core/overall?mirrors=false").body().contains("\"" + TODAY.plusDays(2) + "\""));
    assertEquals(TODAY.plusDays(4).toString(), post("/_simulate/advance").json().get("today").asText(), "one day by default");
    assertEquals(405, get("/_simulate/advance?days=1").status());
    assertEquals(400, post("/_simulate/advance?days=soon").status());
    assertEquals(TODAY.plusDays(4), sim.today());
  }

  @Test
  void theProjectsClientReadsEveryEndpoint() {
    ApiConfig api = new ApiConfig(server.baseUrl(), "", Duration.ZERO, 2, Duration.ofSeconds(5), 1,
        Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(50), 4L * 1024 * 1024);
    try (PypiStatsClient client = new PypiStatsClient(vertx, api)) {
      String pkg = "snakecharmer";
      LocalDate d = TODAY.minusDays(5);
      RecentResponse recent = Await.result(client.fetchRecent(pkg, null)).value();
      assertEquals(sim.recent(pkg).lastMonth(), recent.lastMonth());
      assertEquals(sim.recent(pkg).lastDay(), recent.lastDay());
      Map<Endpoint, String> category = Map.of(Endpoint.OVERALL, "without_mirrors", Endpoint.PYTHON_MAJOR, "3",
          Endpoint.PYTHON_MINOR, "3.13", Endpoint.SYSTEM, "Linux");
      for (var e : category.entrySet()) {
        SeriesResponse s = switch (e.getKey()) {
          case OVERALL -> Await.result(client.fetchOverall(pkg, null)).value();
          case PYTHON_MAJOR -> Await.result(client.fetchPythonMajor(pkg, null)).value();
          case PYTHON_MINOR -> Await.result(client.fetchPythonMinor(pkg, null)).value();
          default -> Await.result(client.fetchSystem(pkg, null)).value();
        };
        long n = s.rows().stream().filter(r -> r.category().equals(e.getValue()) && r.date().equals(d))
            .mapToLong(SeriesRow::downloads).sum();
        assertEquals(sim.count(pkg, e.getKey(), e.getValue(), d), n, e.getKey().path());
        assertTrue(n > 0);
      }
      ApiResponse<SeriesResponse> unknown = Await.result(client.fetchOverall("no-such-package", null));
      assertTrue(unknown.isNotFound());
      assertTrue(Await.result(client.fetchSystem("no-such-package", null)).isNoData());
    }
  }

  @Test
  void recordedDirectoryIsServedAsRecorded(@TempDir Path dir) throws Exception {
    List<String> names = List.of("dustpan", "rocketlib", SimulatedUpstream.ALL);
    Recordings.record(sim, names, dir);
    RecordedUpstream recorded = RecordedUpstream.read(dir, null);
    assertEquals(TODAY, recorded.today(), "the day after the newest recorded day");
    assertEquals(List.of("dustpan", "rocketlib"), recorded.packages());
    SimulatorServer replay = Await.result(SimulatorServer.start(vertx, recorded, "127.0.0.1", 0, 0));
    try {
      String url = "http://127.0.0.1:" + replay.port();
      for (String pkg : names) {
        for (Endpoint e : Endpoint.values()) {
          Reply r = send(HttpRequest.newBuilder(URI.create(url + "/api/packages/" + pkg + "/" + e.path())).build());
          assertEquals(sim.body(pkg, e), r.body(), pkg + " " + e + ": the same bytes as the simulator's");
        }
      }
      Reply linux = send(HttpRequest.newBuilder(URI.create(url + "/api/packages/rocketlib/system?os=linux")).build());
      assertEquals(Set.of("Linux"), assertSeriesShape(linux, "rocketlib", Endpoint.SYSTEM, TODAY));
      assertEquals(404, send(HttpRequest.newBuilder(URI.create(url + "/api/packages/other-pkg/overall")).build()).status());
      assertEquals("[]", JSON.readTree(send(HttpRequest.newBuilder(URI.create(url + "/api/packages/other-pkg/system")).build()).body())
          .get("data").toString());
    } finally {
      Await.result(replay.stop());
    }
    // An earlier today hides the newer days; advancing shows them again.
    RecordedUpstream earlier = RecordedUpstream.read(dir, TODAY.minusDays(10));
    String body = earlier.answer("dustpan", Endpoint.OVERALL, Map.of()).body();
    assertFalse(body.contains("\"" + TODAY.minusDays(10) + "\""));
    assertTrue(body.contains("\"" + TODAY.minusDays(11) + "\""));
    earlier.advance(10);
    assertEquals(sim.body("dustpan", Endpoint.OVERALL), earlier.answer("dustpan", Endpoint.OVERALL, Map.of()).body());
  }
}

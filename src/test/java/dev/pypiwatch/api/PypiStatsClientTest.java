package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.outbound.UserAgent;
import dev.pypiwatch.outbound.Version;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.Fixtures;
import dev.pypiwatch.testing.RecordedRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client against the fake server: endpoints, parameters, real bodies, names, headers. */
@ExtendWith(VertxExtension.class)
class PypiStatsClientTest {
  private FakePypiStats fake;
  private PypiStatsClient client;

  @BeforeEach
  void start(Vertx vertx) {
    fake = FakePypiStats.startBlocking(vertx);
    client = new PypiStatsClient(vertx, TestConfigs.fast(fake.baseUrl()));
  }

  @AfterEach
  void stop() {
    client.close();
    Await.result(fake.stop());
  }

  private RecordedRequest onlyRequest() {
    List<RecordedRequest> requests = fake.requests();
    assertEquals(1, requests.size(), requests.toString());
    return requests.get(0);
  }

  private void assertSends(Function<PypiStatsClient, Future<?>> call, String path, String query) {
    fake.reset();
    fake.serve(path, FakeResponse.ok(Fixtures.text(path.endsWith("recent")
        ? "pip_recent.json" : "pip_python_major_2018-11-01.json")));
    Await.result(call.apply(client));
    RecordedRequest r = onlyRequest();
    assertEquals("GET", r.method());
    assertEquals(path, r.path());
    assertEquals(query, r.query(), "query of " + path);
  }

  @Test
  void everyEndpointAndParameterReachesTheServer() {
    String p = "/packages/pip/";
    assertSends(c -> c.fetchRecent("pip", null), p + "recent", null);
    assertSends(c -> c.fetchRecent("pip", RecentPeriod.DAY), p + "recent", "period=day");
    assertSends(c -> c.fetchRecent("pip", RecentPeriod.WEEK), p + "recent", "period=week");
    assertSends(c -> c.fetchRecent("pip", RecentPeriod.MONTH), p + "recent", "period=month");
    assertSends(c -> c.fetchOverall("pip", null), p + "overall", null);
    assertSends(c -> c.fetchOverall("pip", true), p + "overall", "mirrors=true");
    assertSends(c -> c.fetchOverall("pip", false), p + "overall", "mirrors=false");
    assertSends(c -> c.fetchPythonMajor("pip", null), p + "python_major", null);
    assertSends(c -> c.fetchPythonMajor("pip", "3"), p + "python_major", "version=3");
    assertSends(c -> c.fetchPythonMinor("pip", null), p + "python_minor", null);
    assertSends(c -> c.fetchPythonMinor("pip", "3.12"), p + "python_minor", "version=3.12");
    assertSends(c -> c.fetchPythonMinor("pip", "3 &x"), p + "python_minor", "version=3+%26x");
    assertSends(c -> c.fetchSystem("pip", null), p + "system", null);
    for (OperatingSystem os : OperatingSystem.values()) {
      assertSends(c -> c.fetchSystem("pip", os), p + "system", "os=" + os.query());
    }
    for (Endpoint e : Endpoint.values()) {
      assertSends(c -> c.fetchBody("pip", e), p + e.path(), null);
    }
  }

  @Test
  void parsesEveryRealSystemBody() {
    List<String> names = Fixtures.names("_system.json");
    for (String name : names) {
      String pkg = name.substring(0, name.length() - "_system.json".length());
      fake.serveFixture(pkg, Endpoint.SYSTEM, name);
    }
    for (String name : names) {
      String pkg = name.substring(0, name.length() - "_system.json".length());
      ApiResponse<SeriesResponse> r = Await.result(client.fetchSystem(pkg, null));
      assertEquals(pkg, r.value().packageName());
      assertTrue(r.value().rows().size() > 0, name);
      assertEquals(Fixtures.text(name), ((ApiResponse.Data<SeriesResponse>) r).body());
    }
  }

  @Test
  void parsesRecentBodiesIncludingPeriodDay() {
    fake.serveFixture("pip", Endpoint.RECENT, "pip_recent_period-day.json");
    ApiResponse<RecentResponse> r = Await.result(client.fetchRecent("pip", RecentPeriod.DAY));
    assertEquals(1956060L, r.value().lastDay());
    assertNull(r.value().lastWeek());
    assertEquals(fake.baseUrl() + "/packages/pip/recent?period=day", r.url());
    fake.serveFixture("openadapt", Endpoint.RECENT, "openadapt_recent.json");
    assertEquals(575L, Await.result(client.fetchRecent("openadapt", null)).value().lastMonth());
  }

  @Test
  void keepsTheNullCategoryOfPythonMinor() {
    fake.serveFixture("pip", Endpoint.PYTHON_MINOR, "pip_python_minor_2018-11-01.json");
    SeriesResponse r = Await.result(client.fetchPythonMinor("pip", null)).value();
    assertEquals(new SeriesRow("null", LocalDate.of(2018, 11, 1), 7122), r.rows().get(9));
  }

  @Test
  void emptyDataIsNoDataNotZero() {
    fake.serveFixture("sugar", Endpoint.PYTHON_MAJOR, "sugar_python_major_empty.json");
    fake.serveFixture("testbrojct", Endpoint.PYTHON_MAJOR, "testbrojct_python_major_empty.json");
    fake.serve(FakePypiStats.path("nothing", Endpoint.SYSTEM),
        FakeResponse.emptyData("nothing", "system_downloads"));
    ApiResponse<SeriesResponse> sugar = Await.result(client.fetchPythonMajor("sugar", null));
    assertInstanceOf(ApiResponse.NoData.class, sugar);
    assertEquals(Fixtures.text("sugar_python_major_empty.json"),
        ((ApiResponse.NoData<SeriesResponse>) sugar).body());
    assertTrue(Await.result(client.fetchPythonMajor("testbrojct", "3")).isNoData());
    assertTrue(Await.result(client.fetchSystem("nothing", OperatingSystem.LINUX)).isNoData());
    assertTrue(Await.result(client.fetchBody("sugar", Endpoint.PYTHON_MAJOR)).isNoData());
  }

  @Test
  void fetchBodyReturnsTheBodyExactlyAsReceived() {
    String body = Fixtures.text("llm_system.json");
    fake.serve("llm", Endpoint.SYSTEM, body);
    fake.serveFixture("pip", Endpoint.RECENT, "pip_recent.json");
    assertEquals(body, Await.result(client.fetchBody("llm", Endpoint.SYSTEM)).value());
    assertEquals(Fixtures.text("pip_recent.json"),
        Await.result(client.fetchBody("pip", Endpoint.RECENT)).value());
  }

  @Test
  void notFoundIsAnAnswerAfterExactlyOneRequest() {
    ApiResponse<RecentResponse> r = Await.result(client.fetchRecent("no-such-package", null));
    assertInstanceOf(ApiResponse.NotFound.class, r);
    assertEquals(fake.baseUrl() + "/packages/no-such-package/recent", r.url());
    assertEquals(1, fake.requests().size());
    assertTrue(Await.result(client.fetchBody("no-such-package", Endpoint.OVERALL)).isNotFound());
  }

  @Test
  void invalidPackageNamesFailWithoutARequest() {
    for (String bad : new String[] {"", "-pip", "pip-", "a b", "../etc", "pip/recent", "ünï"}) {
      PypiStatsException e = assertInstanceOf(PypiStatsException.class,
          Await.failure(client.fetchOverall(bad, null)));
      assertEquals(PypiStatsException.Kind.INVALID_PACKAGE, e.kind());
      assertEquals(0, e.attempts());
      assertEquals(Endpoint.OVERALL, e.endpoint());
      assertTrue(e.getMessage().startsWith("pypistats overall of '" + bad + "': "), e.getMessage());
    }
    PypiStatsException nul = assertInstanceOf(PypiStatsException.class,
        Await.failure(client.fetchBody(null, Endpoint.RECENT)));
    assertEquals(PypiStatsException.Kind.INVALID_PACKAGE, nul.kind());
    assertEquals(0, fake.requests().size());
  }

  @Test
  void normalizesAndEncodesTheName() {
    fake.serveFixture("django-rest-framework", Endpoint.SYSTEM, "llm_system.json");
    Await.result(client.fetchSystem("Django_REST.framework", null));
    Await.result(client.fetchRecent("__all__", null).otherwiseEmpty());
    assertEquals("/packages/django-rest-framework/system", fake.requests().get(0).path());
    assertEquals("/packages/__all__/recent", fake.requests().get(1).path());
  }

  @Test
  void sendsUserAgentWithVersionAndContactAndAcceptsJson() {
    fake.serveFixture("pip", Endpoint.RECENT, "pip_recent.json");
    Await.result(client.fetchRecent("pip", null));
    RecordedRequest r = onlyRequest();
    assertEquals("pypiwatch/" + Version.get()
        + " (+https://github.com/pypiwatch/pypiwatch; ops@example.org)", r.header("User-Agent"));
    assertTrue(r.header("User-Agent").contains(Version.get()));
    assertEquals("application/json", r.header("Accept"));
    assertEquals("pypiwatch/" + Version.get() + " (+https://github.com/pypiwatch/pypiwatch)",
        UserAgent.of(""));
  }

  @Test
  void closedClientRefusesRequests() {
    client.close();
    assertInstanceOf(IllegalStateException.class, Await.failure(client.fetchRecent("pip", null)));
    assertEquals(0, fake.requests().size());
  }
}

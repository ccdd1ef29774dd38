package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pypiwatch.config.PypiJsonConfig;
import dev.pypiwatch.events.Release;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.FakeResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** The client against a real local HTTP server answering with the shape of pypi.org's JSON API. */
@ExtendWith(VertxExtension.class)
public class PypiReleasesTest {
  static final LocalDate DAY = LocalDate.parse("2026-04-03");

  /**
   * A body as pypi.org sends it (trimmed): {@code info}, and {@code releases} mapping versions to
   * their files, each with {@code upload_time_iso_8601}. 24.1 was uploaded the day before DAY (its
   * wheel first, its sdist later), 24.0 weeks earlier, 25.0.dev0 has no files.
   */
  public static final String PIP_JSON = """
      {"info": {"name": "pip", "version": "24.1", "summary": "The PyPA recommended tool for installing Python packages."},
       "last_serial": 23456789,
       "releases": {
         "24.0": [{"filename": "pip-24.0-py3-none-any.whl", "packagetype": "bdist_wheel", "size": 2110226,
                   "upload_time": "2026-02-03T10:12:00", "upload_time_iso_8601": "2026-02-03T10:12:00.123456Z",
                   "yanked": false}],
         "24.1": [{"filename": "pip-24.1.tar.gz", "packagetype": "sdist", "size": 1915234,
                   "upload_time": "2026-04-02T14:20:05", "upload_time_iso_8601": "2026-04-02T14:20:05.654321Z",
                   "yanked": false},
                  {"filename": "pip-24.1-py3-none-any.whl", "packagetype": "bdist_wheel", "size": 1823211,
                   "upload_time": "2026-04-02T14:03:11", "upload_time_iso_8601": "2026-04-02T14:03:11.000001Z",
                   "yanked": false}],
         "25.0.dev0": []
       },
       "urls": [], "vulnerabilities": []}
      """;

  private Vertx vertx;
  private FakeReceiver pypi;
  private final List<PypiReleases> clients = new ArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    pypi = FakeReceiver.startBlocking(vertx).answer(FakeResponse.notFound());
    log.start();
    ((Logger) LoggerFactory.getLogger(PypiReleases.class)).addAppender(log);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(PypiReleases.class)).detachAppender(log);
    clients.forEach(PypiReleases::close);
    Await.result(pypi.stop());
  }

  private PypiReleases client(Duration minInterval, Duration timeout) {
    PypiJsonConfig c = new PypiJsonConfig(true, pypi.url("/pypi/"), minInterval, timeout, 2, Duration.ofHours(1));
    PypiReleases r = new PypiReleases(vertx, c, "ops@example.org", Clock.systemUTC());
    clients.add(r);
    return r;
  }

  private PypiReleases client() {
    return client(Duration.ZERO, Duration.ofSeconds(5));
  }

  @Test
  void findsTheReleaseOfTheDayOrTheDayBeforeFromItsFirstFile() {
    pypi.answer("/pypi/pip/json", FakeResponse.ok(PIP_JSON));
    PypiReleases r = client();
    Release expected = new Release("24.1", Instant.parse("2026-04-02T14:03:11.000001Z"));
    assertEquals(Optional.of(expected), Await.result(r.near("pip", DAY)), "the day after the release");
    assertEquals(Optional.of(expected), Await.result(r.near("Pip", DAY.minusDays(1))), "the release's own day");
    assertEquals(Optional.empty(), Await.result(r.near("pip", DAY.plusDays(1))), "two days later: too long ago");
    assertEquals(Optional.empty(), Await.result(r.near("pip", DAY.minusDays(2))), "before it");
    assertEquals(1, pypi.requests("/pypi/pip/json").size(), "one request, then the cache");
    assertTrue(pypi.requests().get(0).header("User-Agent").contains("ops@example.org"));
  }

  @Test
  void failuresAnswerNoReleaseAndAreLoggedOnceNamingPackageAndUrl() {
    pypi.answer("/pypi/gone/json", FakeResponse.notFound());
    pypi.answer("/pypi/broken/json", FakeResponse.status(500, "Internal Server Error"));
    pypi.answer("/pypi/garbled/json", FakeResponse.ok("{\"info\": {\"version\": \"1\"}, \"releases\": [1, 2"));
    pypi.answer("/pypi/odd/json", FakeResponse.ok("{\"info\": {}, \"releases\": {\"1.0\": [{\"upload_time_iso_8601\": \"yesterday\"}]}}"));
    PypiReleases r = client();
    for (String pkg : List.of("gone", "broken", "garbled", "odd")) {
      assertEquals(Optional.empty(), Await.result(r.near(pkg, DAY)), pkg);
      assertEquals(Optional.empty(), Await.result(r.near(pkg, DAY)), pkg + " again, from the cache");
      List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains(" " + pkg + " ")).toList();
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).contains(pypi.url("/pypi/" + pkg + "/json")), lines.get(0));
    }
    assertEquals(1, pypi.requests("/pypi/gone/json").size(), "a 404 is not retried");
    assertEquals(2, pypi.requests("/pypi/broken/json").size(), "a 500 is retried once (max attempts 2)");
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("HTTP 500")));
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("odd") 
        && e.getFormattedMessage().contains("RFC 3339")));
  }

  @Test
  void aSlowServerTimesOutIntoNoRelease() {
    pypi.answer("/pypi/slow/json", new FakeResponse(200, Map.of("Content-Type", "application/json"),
        PIP_JSON.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5), FakeResponse.Delivery.WHOLE, 0));
    PypiReleases r = client(Duration.ZERO, Duration.ofMillis(200));
    long start = System.nanoTime();
    assertEquals(Optional.empty(), Await.result(r.near("slow", DAY)));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0,
        "gave up after two 200 ms attempts and a back-off, not the server's 5 s");
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("slow")
        && e.getFormattedMessage().contains("200 ms")), log.list.toString());
  }

  @Test
  void requestsAreSpacedByTheMinInterval() {
    PypiReleases r = client(Duration.ofMillis(300), Duration.ofSeconds(5));
    List<io.vertx.core.Future<Optional<Release>>> all = new ArrayList<>();
    for (String pkg : List.of("a1", "b2", "c3")) {
      all.add(r.near(pkg, DAY));
    }
    all.forEach(Await::result);
    List<FakeReceiver.Request> got = pypi.requests();
    assertEquals(3, got.size());
    for (int i = 1; i < got.size(); i++) {
      long gapMillis = (got.get(i).arrivalNanos() - got.get(i - 1).arrivalNanos()) / 1_000_000;
      assertTrue(gapMillis >= 250, "gap " + gapMillis + " ms");
    }
  }

  @Test
  void parsesThePypiShapeAndNamesWhatIsWrong() {
    List<Release> all = PypiReleases.parse(PIP_JSON.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("24.0", "24.1"), all.stream().map(Release::version).sorted().toList());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PypiReleases.parse("{\"releases\": {\"1.0\": {}}}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("releases.1.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PypiReleases.parse("{}".getBytes(StandardCharsets.UTF_8)));
  }
}

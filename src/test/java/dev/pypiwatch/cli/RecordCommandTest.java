package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import dev.pypiwatch.testing.Fixtures;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordCommandTest {
  private static Vertx vertx;
  private static FakePypiStats fake;

  @TempDir Path dir;
  private Path config;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    fake = FakePypiStats.startBlocking(vertx);
  }

  @AfterAll
  static void stopServer() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void writeConfig() throws IOException {
    fake.reset();
    config = dir.resolve("pypiwatch.yaml");
    Files.writeString(config, """
        api:
          base-url: %s
          min-interval: 0s
          max-attempts: 2
          initial-backoff: 10ms
          max-backoff: 20ms
          request-timeout: 2s
        watchlist:
          - Pip
        """.formatted(fake.baseUrl()));
  }

  private void servePip() {
    fake.serveFixture("pip", Endpoint.RECENT, "pip_recent.json");
    fake.serveFixture("pip", Endpoint.OVERALL, "pip_overall_2020-05-01_2020-05-02_excerpt.json");
    fake.serveFixture("pip", Endpoint.PYTHON_MAJOR, "pip_python_major_2018-11-01.json");
    fake.serveFixture("pip", Endpoint.PYTHON_MINOR, "pip_python_minor_2018-11-01.json");
    fake.serveFixture("pip", Endpoint.SYSTEM, "llm_system.json");
  }

  @Test
  void writesEveryBodyAsReceivedUnderTheNormalizedName() throws IOException {
    servePip();
    Path out = dir.resolve("out");

    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", out.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertBody(out, "pip", "recent", "pip_recent.json");
    assertBody(out, "pip", "overall", "pip_overall_2020-05-01_2020-05-02_excerpt.json");
    assertBody(out, "pip", "python_major", "pip_python_major_2018-11-01.json");
    assertBody(out, "pip", "python_minor", "pip_python_minor_2018-11-01.json");
    assertBody(out, "pip", "system", "llm_system.json");
    try (var files = Files.list(out.resolve("pip"))) {
      assertEquals(5, files.count(), "no temporary or extra files");
    }
    assertTrue(run.err().contains("[1/1] pip: recent ok, overall ok, python_major ok, python_minor ok, system ok"), run.err());
    // Unfiltered: no query parameters on any request.
    assertTrue(fake.requests().stream().allMatch(r -> r.query() == null || r.query().isEmpty()));
  }

  @Test
  void unknownPackageIsRecordedAsAbsentAndReported() throws IOException {
    servePip();
    // The real server: 404 from recent/overall, empty 200 from the others.
    for (Endpoint e : List.of(Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
      fake.serveFixture("no-such-pkg", e, "testbrojct_python_major_empty.json");
    }
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("no-such-pkg"));
    Files.writeString(out.resolve("no-such-pkg/overall.json"), "{stale capture}");

    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", out.toString(),
        "--package", "No_Such.pkg", "--package", "pip");

    assertEquals(0, run.exitCode(), run.err());
    assertFalse(Files.exists(out.resolve("no-such-pkg/recent.json")));
    assertFalse(Files.exists(out.resolve("no-such-pkg/overall.json")), "an older capture of a now-absent endpoint is removed");
    assertTrue(Files.exists(out.resolve("no-such-pkg/system.json")));
    assertTrue(run.err().contains("[1/2] no-such-pkg: recent absent (404), overall absent (404), "
        + "python_major ok (no data), python_minor ok (no data), system ok (no data)"), run.err());
    assertTrue(run.err().contains("[2/2] pip:"), run.err());
    assertEquals(2, run.err().lines().filter(l -> l.startsWith("[")).count(), "one progress line per package");
  }

  @Test
  void failingEndpointIsReportedAndTheRestIsStillWritten() throws IOException {
    servePip();
    fake.serve(FakePypiStats.path("pip", Endpoint.SYSTEM), FakeResponse.temporarilyDisabled());
    fake.serve(FakePypiStats.path("pip", Endpoint.OVERALL), FakeResponse.ok("{\"data\": [{\"category\": \"x\", \"date\": \"2020-05-01\", \"downloads\": -3}]}"));
    Path out = dir.resolve("out");

    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", out.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("system FAILED: pypistats system of 'pip': HTTP 503 after 2 attempts"), run.err());
    assertTrue(run.err().contains("overall FAILED: pypistats overall of 'pip'"), run.err());
    assertTrue(run.err().contains("data[0].downloads"), run.err());
    assertFalse(Files.exists(out.resolve("pip/system.json")));
    assertFalse(Files.exists(out.resolve("pip/overall.json")), "an invalid body is never written");
    assertTrue(Files.exists(out.resolve("pip/recent.json")));
  }

  @Test
  void exitsOneWhenNothingCouldBeFetched() {
    for (Endpoint e : Endpoint.values()) {
      fake.serve(FakePypiStats.path("pip", e), FakeResponse.status(500, "boom"));
    }
    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", dir.resolve("out").toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("0 file(s) written"), run.err());
  }

  @Test
  void invalidPackageNameIsAUsageErrorAndSendsNothing() {
    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", dir.resolve("out").toString(),
        "--package", "../etc/passwd");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("invalid package name '../etc/passwd'"), run.err());
    assertTrue(fake.requests().isEmpty());
  }

  @Test
  void noPackagesIsAUsageError() throws IOException {
    Files.writeString(config, "api:\n  base-url: " + fake.baseUrl() + "\n");
    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no packages"), run.err());
  }

  @Test
  void invalidConfigIsAUsageErrorWithItsLocation() throws IOException {
    Files.writeString(config, "api:\n  max-attempts: many\n");
    CliRun run = CliRun.of("record", "--config", config.toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(config + ":2:17: api.max-attempts: expected an integer >= 1, got 'many'"), run.err());
  }

  private static void assertBody(Path out, String pkg, String endpoint, String fixture) throws IOException {
    Path file = out.resolve(pkg).resolve(endpoint + ".json");
    assertEquals(Fixtures.text(fixture), Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }
}

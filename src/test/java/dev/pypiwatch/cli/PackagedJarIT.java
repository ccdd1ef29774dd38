package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.Fixtures;
import dev.pypiwatch.testing.KafkaFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded {@code target/pypiwatch.jar} as a user would, against a local fake upstream. */
class PackagedJarIT {
  private static final Path JAR = Path.of("target/pypiwatch.jar");
  /** A JVM starting from a shaded jar on a loaded machine: generous, only a hung process reaches it. */
  private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);

  // No broker: the fixture starts one only when asked. Vert.x serves the fake upstream.
  @RegisterExtension
  static final KafkaFixture fixture = new KafkaFixture();
  private static FakePypiStats fake;

  @BeforeAll
  static void start() {
    fake = FakePypiStats.startBlocking(fixture.vertx());
  }

  @Test
  void recordWritesTheExpectedFiles(@TempDir Path dir) throws Exception {
    fake.serveFixture("python-dotenv", Endpoint.RECENT, "python-dotenv_recent.json");
    fake.serveFixture("python-dotenv", Endpoint.OVERALL, "pip_overall_2020-05-01_2020-05-02_excerpt.json");
    fake.serveFixture("python-dotenv", Endpoint.PYTHON_MAJOR, "pip_python_major_2018-11-01.json");
    fake.serveFixture("python-dotenv", Endpoint.PYTHON_MINOR, "pip_python_minor_2018-11-01.json");
    fake.serveFixture("python-dotenv", Endpoint.SYSTEM, "s3-credentials_system.json");
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "api:\n  min-interval: 0s\n  contact: ci@example.org\nwatchlist: [Python_Dotenv]\n");
    Path out = dir.resolve("rec");

    Result r = java("record", "--config", config.toString(), "--base-url", fake.baseUrl(), "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    for (Endpoint e : Endpoint.values()) {
      assertTrue(Files.isRegularFile(out.resolve("python-dotenv").resolve(e.path() + ".json")), e.path());
    }
    assertEquals(Fixtures.text("s3-credentials_system.json"), Files.readString(out.resolve("python-dotenv/system.json")));
    assertTrue(r.err().contains("[1/1] python-dotenv: recent ok"), r.err());
    assertFalse(r.err().contains("No SLF4J providers"), "a logger is bundled: " + r.err());
    String ua = fake.requests().get(0).header("User-Agent");
    assertTrue(ua.startsWith("pypiwatch/") && ua.contains("ci@example.org"), ua);
  }

  @Test
  void versionAndCheckConfigWork() throws Exception {
    Result v = java("--version");
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().startsWith("pypiwatch "), v.out());
    Result c = java("check-config", "config/pypiwatch.yaml");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains(": OK, "), c.out());
  }

  @Test
  void simulateServesTheSyntheticUpstreamAndBacktestFindsItsSpike(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("simulate-out.txt");
    Process sim = new ProcessBuilder(javaCommand("simulate", "--port", "0", "--today", "2025-07-01"))
        .redirectOutput(out.toFile()).redirectError(dir.resolve("simulate-err.txt").toFile()).start();
    try {
      Await.until(() -> read(out).contains("simulate: clock:") || !sim.isAlive(), RUN_DEADLINE,
          () -> read(out) + read(dir.resolve("simulate-err.txt")));
      String text = read(out);
      Matcher m = Pattern.compile("PyPI Stats API at (http://\\S+/api) \\(today 2025-07-01").matcher(text);
      assertTrue(m.find(), text);
      assertTrue(text.contains("planted rocketlib: spike x5 on 2025-06-29 (rule spike)"), text);
      assertTrue(text.contains("fading-utils") && text.contains("snakecharmer") && text.contains("winbuild-tools"), text);

      Path config = dir.resolve("c.yaml");
      Files.writeString(config, "api:\n  min-interval: 0s\n");
      Path rec = dir.resolve("rec");
      Result r = java("record", "--config", config.toString(), "--base-url", m.group(1), "--out", rec.toString(),
          "--package", "rocketlib", "--package", "dustpan", "--package", "__all__");
      assertEquals(0, r.code(), r.err());
      Result b = java("backtest", "--data", rec.toString());
      assertEquals(0, b.code(), b.err());
      assertTrue(b.out().contains("\"fingerprint\":\"spike:rocketlib:overall:without_mirrors\""), b.out());
      assertTrue(b.out().contains("\"date\":\"2025-06-29\""), b.out());
      assertFalse(b.out().contains("\"package\":\"dustpan\""), b.out());
    } finally {
      sim.destroy();
      assertTrue(sim.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "simulate stops on SIGTERM");
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private record Result(int code, String out, String err) {}

  private static Result java(String... args) throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(JAR), "run after package: " + JAR);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Path outFile = Files.createTempFile("jar-out", ".txt");
    Path errFile = Files.createTempFile("jar-err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
    if (!p.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(p.exitValue(), Files.readString(outFile, StandardCharsets.UTF_8),
        Files.readString(errFile, StandardCharsets.UTF_8));
  }
}

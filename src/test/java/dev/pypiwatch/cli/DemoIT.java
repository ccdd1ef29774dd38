package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SyntheticPackages;
import dev.pypiwatch.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pypiwatch demo} from the packaged jar, as a newcomer runs it: the four planted events
 * print their alerts on stdout, no quiet package is reported as spiking or dropping, the status
 * server answers, and SIGTERM stops it and deletes its temporary Kafka directory.
 */
class DemoIT {
  private static final Path JAR = Path.of("target/pypiwatch.jar");
  /** Start-up plus ten simulated days at the default speed on a loaded machine: generous. */
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final Pattern DATA_DIR = Pattern.compile("demo: Kafka data in (\\S+) \\(deleted on exit\\)");
  /** {@code [pypiwatch] 2025-06-29 (Sun) FIRING critical spike rocketlib overall/without_mirrors: ...}. */
  private static final Pattern ALERT = Pattern.compile(
      "^\\[pypiwatch] (\\S+) \\(\\w+\\) (FIRING|RESOLVED|STILL-FIRING) (\\S+) (\\S+) (\\S+) (\\S+): ", Pattern.MULTILINE);

  @Test
  void showsThePlantedAlertsAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    long started = System.nanoTime();
    Process demo = start(out, err, "demo", "--port", String.valueOf(port));
    try {
      // Each planted event, as "rule package", and when its first FIRING line appeared.
      Map<String, Duration> seen = new LinkedHashMap<>();
      List<String> expected = SyntheticPackages.planted(DemoCommand.EVENTS_DAY).stream()
          .map(p -> p.event().rule() + " " + p.pkg()).toList();
      Await.until(() -> {
        for (String[] a : alerts(read(out))) {
          String key = a[3] + " " + a[4];
          if (a[1].equals("FIRING") && expected.contains(key) && !seen.containsKey(key)) {
            seen.put(key, Duration.ofNanos(System.nanoTime() - started));
          }
        }
        return seen.size() == expected.size() && read(out).contains("demo: done:") || !demo.isAlive();
      }, DEADLINE, () -> read(out) + read(err));
      String text = read(out);
      assertTrue(demo.isAlive(), "still running after the last day:\n" + text + read(err));
      assertEquals(Set.copyOf(expected), seen.keySet(), text);
      seen.forEach((k, d) -> System.out.println("DemoIT: " + k + " on the console after " + d.toSeconds() + " s"));

      Set<String> planted = Set.copyOf(SyntheticPackages.planted(DemoCommand.EVENTS_DAY).stream()
          .map(SyntheticPackages.Planted::pkg).toList());
      // A quiet package's own noise may double a day (inkwell-pdf: 181 on 2025-06-24, a Tuesday, where
      // its four Tuesdays before had a median of 74): a spike by the rules (at least twice the usual),
      // not noise of the detector. Anything less, and any drop, is a false alert.
      SimulatedUpstream sim = SyntheticPackages.upstream(DemoCommand.EVENTS_DAY.plusDays(DemoCommand.DAYS_PLAYED),
          DemoCommand.EVENTS_DAY);
      Set<String> doubled = new HashSet<>();
      alerts(text).stream().filter(a -> a[3].equals("spike") && a[1].equals("FIRING") && !planted.contains(a[4])
          && atLeastTwiceItsWeekday(sim, a[4], LocalDate.parse(a[0]))).forEach(a -> doubled.add(a[4]));
      List<String> quietNoise = alerts(text).stream()
          .filter(a -> Set.of("spike", "drop").contains(a[3]) && !planted.contains(a[4]))
          .filter(a -> !(a[3].equals("spike") && doubled.contains(a[4])))
          .map(a -> String.join(" ", a)).toList();
      assertEquals(List.of(), quietNoise, "spikes or drops of quiet packages (days doubled by their own noise: "
          + doubled + ")");
      assertFalse(alerts(text).isEmpty());
      assertTrue(text.contains("http://127.0.0.1:" + port + "/ready"), text);

      HttpResponse<String> ready = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode(), ready.body());
      // The dashboard and its chart library come from the jar itself.
      assertTrue(text.contains("dashboard: http://127.0.0.1:" + port + "/ "), text);
      for (String[] page : List.of(new String[] {"/", "<title>pypiwatch: Overview</title>"},
          new String[] {"/pkg.html", "pkg.js"}, new String[] {"/assets/echarts/echarts.min.js", "getInstanceByDom"})) {
        HttpResponse<String> got = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + page[0])).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, got.statusCode(), page[0]);
        assertTrue(got.body().contains(page[1]), page[0] + ": " + got.body().substring(0, Math.min(500, got.body().length())));
      }

      Matcher m = DATA_DIR.matcher(text);
      assertTrue(m.find(), text);
      Path data = Path.of(m.group(1));
      assertTrue(Files.isDirectory(data), "the broker's data while running: " + data);

      demo.destroy(); // SIGTERM
      assertTrue(demo.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "demo stops on SIGTERM");
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited, it was not killed hard (137).
      assertEquals(143, demo.exitValue(), read(err));
      assertFalse(Files.exists(data), "the temporary data directory is deleted: " + data);
      assertTrue(read(out).contains("demo: stopped; deleted " + data), read(out));
    } finally {
      demo.destroyForcibly();
    }
  }

  @Test
  void aStatusPortInUseIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Path out = dir.resolve("out.txt");
      Path err = dir.resolve("err.txt");
      Process demo = start(out, err, "demo", "--port", String.valueOf(taken.getLocalPort()));
      try {
        assertTrue(demo.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "demo exits");
        assertEquals(2, demo.exitValue(), read(out) + read(err));
        List<String> lines = read(err).lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), read(err));
        assertTrue(lines.get(0).startsWith("demo: port " + taken.getLocalPort() + " of the status server (http.port"),
            lines.get(0));
        Matcher m = DATA_DIR.matcher(read(out));
        assertTrue(m.find(), read(out));
        assertFalse(Files.exists(Path.of(m.group(1))), "the temporary data directory is deleted");
      } finally {
        demo.destroyForcibly();
      }
    }
  }

  /** Every alert line: {date, state, severity, rule, package, series/category}. */
  private static List<String[]> alerts(String text) {
    List<String[]> out = new ArrayList<>();
    Matcher m = ALERT.matcher(text);
    while (m.find()) {
      out.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)});
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static Process start(Path out, Path err, String... args) throws IOException {
    assertTrue(Files.isRegularFile(JAR), "run after package: " + JAR);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if {@code pkg} served at least twice the median of its four same weekdays before {@code day}. */
  static boolean atLeastTwiceItsWeekday(SimulatedUpstream sim, String pkg, LocalDate day) {
    long[] before = new long[4];
    for (int w = 1; w <= 4; w++) {
      before[w - 1] = sim.count(pkg, Endpoint.OVERALL, "without_mirrors", day.minusWeeks(w));
    }
    java.util.Arrays.sort(before);
    double median = (before[1] + before[2]) / 2.0;
    return sim.count(pkg, Endpoint.OVERALL, "without_mirrors", day) >= 2 * median;
  }
}

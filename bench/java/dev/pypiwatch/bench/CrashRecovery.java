package dev.pypiwatch.bench;

import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.simulate.SyntheticPackages;
import dev.pypiwatch.testing.KafkaTesting;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Recovery after a crash, measured on the packaged jar: {@code pypiwatch run} with its embedded
 * broker against the simulator (in this JVM), settled; then the simulator publishes a new day (a
 * planted spike of rocketlib), the service is killed with SIGKILL before it polls it (the day is
 * pending) and started again on the same data directory. Measured from the restart: the phases
 * the service logs (broker ready, rule and notifier state rebuilt), the first alert of the pending
 * day on the alerts topic, and the first 200 of {@code /ready}. With {@code -Dcrash.kill-at=poll}
 * the kill comes during the poll of the pending day instead, right after its first package was
 * published (the next packages' transactions open). Plain {@code main}.
 *
 * <p>Args: [runs (default 5)] [jar ... (default target/pypiwatch.jar); several are run in turn]. The services' logs, each line
 * prefixed with the seconds since its start: {@code target/crash-recovery/}. Results:
 * docs/reliability.md.
 */
public final class CrashRecovery {
  private static final Duration WAIT = Duration.ofMinutes(4);
  /** {@code -Dcrash.kill-at=poll}: kill right after the first package of the pending day's poll is published. */
  private static final boolean KILL_DURING_POLL = "poll".equals(System.getProperty("crash.kill-at", "idle"));
  /** Log lines whose first appearance after the restart marks a phase, by phase name. */
  private static final Map<String, String> PHASES = new LinkedHashMap<>();

  static {
    PHASES.put("broker ready", "Embedded Kafka ready");
    PHASES.put("rules stage started", "rules verticle started");
    PHASES.put("first package published", "published [package:");
    PHASES.put("rule state rebuilt", "rule state rebuilt [partitions: 6");
    PHASES.put("notifier state rebuilt", "notifier state rebuilt [partitions: 6");
    PHASES.put("poll cycle done", "poll cycle done");
  }

  private CrashRecovery() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Path> jars = new ArrayList<>();
    for (int a = 1; a < args.length; a++) {
      jars.add(Path.of(args[a]).toAbsolutePath());
    }
    if (jars.isEmpty()) {
      jars.add(Path.of("target/pypiwatch.jar").toAbsolutePath());
    }
    Map<Path, List<Map<String, Double>>> results = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try {
      for (int i = 1; i <= runs; i++) {
        for (int j = 0; j < jars.size(); j++) { // interleaved: every jar sees the same machine load
          Map<String, Double> r = run(vertx, jars.get(j), i + "-" + (j + 1));
          System.out.println("run " + i + " of " + jars.get(j) + ": " + format(r));
          results.computeIfAbsent(jars.get(j), k -> new ArrayList<>()).add(r);
        }
      }
    } finally {
      vertx.close().await();
    }
    results.forEach((jar, rs) -> {
      System.out.println();
      System.out.println(jar + ", " + runs + " runs:");
      System.out.println("| from the restart to | median (s) | max (s) | all (s) |");
      System.out.println("|---|---:|---:|---|");
      for (String key : rs.get(0).keySet()) {
        List<Double> xs = rs.stream().map(m -> m.getOrDefault(key, Double.NaN)).sorted().toList();
        System.out.printf("| %s | %.1f | %.1f | %s |%n", key, xs.get(xs.size() / 2), xs.get(xs.size() - 1),
            String.join(" ", xs.stream().map(x -> String.format("%.1f", x)).toList()));
      }
    });
  }

  private static Map<String, Double> run(Vertx vertx, Path jar, String i) throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    // The spike (two days before the events day) is the service's "yesterday": the newest day once published.
    LocalDate pending = today.minusDays(1);
    SimulatedUpstream upstream = SyntheticPackages.upstream(pending, today.plusDays(1));
    SimulatorServer sim = SimulatorServer.start(vertx, upstream, "127.0.0.1", 0, 0).await();
    Path dir = Files.createTempDirectory("pypiwatch-crash-");
    Path logs = Files.createDirectories(Path.of("target", "crash-recovery"));
    int kafkaPort = EmbeddedKafka.freePort();
    int httpPort = EmbeddedKafka.freePort();
    Path config = dir.resolve("pypiwatch.yaml");
    Files.writeString(config, config(sim.baseUrl(), dir.resolve("kafka"), kafkaPort, httpPort));
    KafkaClients clients = new KafkaClients(KafkaConfig.DEFAULTS, "localhost:" + kafkaPort);
    try {
      Instance first = Instance.start(jar, config, logs.resolve("run-" + i + "-first.log"));
      try {
        awaitReady(httpPort, first);
        try (Admin admin = clients.newAdmin()) {
          KafkaTesting.awaitCommittedToEnd(admin, "pypiwatch-rules", "pypistats.downloads", WAIT);
          KafkaTesting.awaitCommittedToEnd(admin, "pypiwatch-notifier", "pypistats.alerts", WAIT);
        }
        upstream.advance(1); // the pending day is published upstream ...
        if (KILL_DURING_POLL) {
          // ... and the service dies while it publishes it: transactions are open.
          int before = first.published.get();
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + httpPort + "/poll")).POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.discarding());
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (first.published.get() == before) {
            check(first, deadline, "the poll to publish");
            Thread.sleep(5);
          }
        }
      } finally {
        first.kill(); // ... and the service dies before it polls it (or during the poll)
      }
      Instance second = Instance.start(jar, config, logs.resolve("run-" + i + "-restart.log"));
      try {
        Map<String, Double> r = new LinkedHashMap<>();
        double[] alertAndReady = awaitAlertAndReady(clients, httpPort, pending, second);
        PHASES.keySet().forEach(phase -> r.put(phase, second.phases.getOrDefault(phase, Double.NaN)));
        r.put("first alert of the pending day on the topic", alertAndReady[0]);
        r.put("/ready 200", alertAndReady[1]);
        return r;
      } finally {
        second.kill();
      }
    } finally {
      sim.stop().await();
      deleteRecursively(dir);
    }
  }

  private static String config(String api, Path kafkaDir, int kafkaPort, int httpPort) {
    return """
        api:
          base-url: "%s"
          min-interval: 0s
          pypi-json-enabled: false
        kafka:
          embedded-data-dir: "%s"
          embedded-port: %d
        http:
          host: 127.0.0.1
          port: %d
        notify:
          group-wait: 1s
          repeat-interval: 0s
          receivers:
            - name: console
              console: {}
          default-receivers: [console]
        watchlist: [rocketlib, acorn-notes, pebble-cli]
        """.formatted(api, kafkaDir, kafkaPort, httpPort);
  }

  /**
   * Seconds from {@code s}'s start until the first alert dated {@code day} is on the alerts topic,
   * and until its {@code /ready} answers 200, watched together.
   */
  private static double[] awaitAlertAndReady(KafkaClients clients, int httpPort, LocalDate day, Instance s)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = readyRequest(httpPort);
    long deadline = System.nanoTime() + WAIT.toNanos();
    double alert = -1;
    double ready = -1;
    KafkaConsumer<String, byte[]> alerts = null;
    try {
      while (alert < 0 || ready < 0) {
        if (ready < 0 && ready(http, get)) {
          ready = s.seconds();
        }
        if (alert < 0 && alerts == null && KafkaClients.reachable(clients.bootstrapServers(), Duration.ofMillis(200))) {
          alerts = TopicReader.fromBeginning(clients, "pypistats.alerts", WAIT);
        }
        if (alert < 0 && alerts != null) {
          for (ConsumerRecord<String, byte[]> r : alerts.poll(Duration.ofMillis(50))) {
            if (alert < 0 && AlertCodec.decode(r.value()).date().equals(day)) {
              alert = s.seconds();
            }
          }
        } else {
          Thread.sleep(50);
        }
        check(s, deadline, (alert < 0 ? "an alert of " + day + " " : "") + (ready < 0 ? "/ready 200" : ""));
      }
      return new double[] {alert, ready};
    } finally {
      if (alerts != null) {
        alerts.close();
      }
    }
  }

  /** Waits until {@code s}'s {@code /ready} answers 200. */
  private static void awaitReady(int httpPort, Instance s) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = readyRequest(httpPort);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!ready(http, get)) {
      check(s, deadline, "/ready 200");
      Thread.sleep(100);
    }
  }

  private static HttpRequest readyRequest(int httpPort) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
        .timeout(Duration.ofSeconds(5)).build();
  }

  private static boolean ready(HttpClient http, HttpRequest get) throws InterruptedException {
    try {
      return http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  private static void check(Instance s, long deadline, String what) {
    if (!s.process.isAlive()) {
      throw new IllegalStateException("the service exited while waiting for " + what + "; see " + s.log);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("no " + what + " within " + WAIT + "; see " + s.log);
    }
  }

  private static String format(Map<String, Double> r) {
    StringBuilder b = new StringBuilder();
    r.forEach((k, v) -> b.append(k).append(' ').append(String.format("%.1f s", v)).append("; "));
    return b.toString();
  }

  /** One process of the packaged jar, its log copied to a file, the phases timed as their lines arrive. */
  private static final class Instance {
    final Process process;
    final Path log;
    final long started = System.nanoTime();
    final Map<String, Double> phases = new ConcurrentHashMap<>();
    final AtomicInteger published = new AtomicInteger();

    private Instance(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static Instance start(Path jar, Path config, Path log) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-jar", jar.toString(), "run", "--config", config.toString())
          .redirectErrorStream(true).start();
      Instance s = new Instance(p, log);
      Thread t = new Thread(s::copyLog, "crash-recovery-log");
      t.setDaemon(true);
      t.start();
      return s;
    }

    double seconds() {
      return (System.nanoTime() - started) / 1e9;
    }

    private void copyLog() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
        String line;
        while ((line = in.readLine()) != null) {
          double at = seconds();
          String text = line;
          out.printf("+%7.3f %s%n", at, line);
          out.flush();
          if (text.contains("published [package:")) {
            published.incrementAndGet();
          }
          PHASES.forEach((phase, marker) -> {
            if (text.contains(marker)) {
              phases.putIfAbsent(phase, at);
            }
          });
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package dev.pypiwatch.bench;

import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * A watchlist of N packages against the simulator, whole service measured: the packaged jar's
 * {@code run} (embedded broker, every stage) in its own JVM, a first start that backfills the
 * upstream's 181 days of N synthetic packages (log-uniform 10 to 1,000,000 downloads a day) with
 * the simulator's rate limit lifted ({@code api.min-interval: 0s}). Measured from the start: the
 * first poll cycle done, the rule stage committed to the end of the downloads topic (every record
 * evaluated), the notifier committed to the end of the alerts topic; the process's CPU seconds
 * (user + system, from /proc), its peak resident set (VmHWM) and its peak Java heap (the largest
 * heap before a collection, from the GC log). Each size of {@code -Dsizes} runs in turn, so the
 * figures a package can be compared across sizes measured in one run. Plain {@code main}; Linux.
 *
 * <p>{@code -Dsizes=1000,10000} (default {@code 1000}), {@code -Dservice.xmx=1g} (the service's
 * heap limit), {@code -Dservice.jvm-args="..."} (more JVM options of the service, e.g. a JFR recording), {@code -Dbench.port-base=N} (simulator N, broker N+1, HTTP N+2; free ports by
 * default), {@code -Djar=target/pypiwatch.jar}, {@code -Dhistogram=true} (print the top of the service's {@code jcmd GC.class_histogram} at the end). Logs: {@code target/watchlist-scale/}.
 */
public final class WatchlistScale {
  private static final Duration WAIT = Duration.ofHours(2);
  private static final Pattern GC_BEFORE = Pattern.compile("\\) (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private WatchlistScale() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = Stream.of(System.getProperty("sizes", "1000").split(",")).map(String::trim)
        .map(Integer::parseInt).toList();
    String xmx = System.getProperty("service.xmx", "1g");
    int portBase = Integer.getInteger("bench.port-base", 0);
    Path jar = Path.of(System.getProperty("jar", "target/pypiwatch.jar")).toAbsolutePath();
    Path logs = Files.createDirectories(Path.of("target", "watchlist-scale"));
    Vertx vertx = Vertx.vertx();
    List<Map<String, Double>> results = new ArrayList<>();
    try {
      for (int n : sizes) {
        Map<String, Double> r = run(vertx, jar, n, xmx, portBase, logs);
        System.out.println(n + " packages: " + r);
        results.add(r);
      }
    } finally {
      vertx.close().await();
    }
    System.out.println();
    System.out.printf("service -Xmx%s, machine load before: %s%n", xmx, Files.readString(Path.of("/proc/loadavg")).trim());
    StringBuilder head = new StringBuilder("| measure |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int n : sizes) {
      head.append(String.format(" %,d packages |", n));
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (String key : results.get(0).keySet()) {
      StringBuilder row = new StringBuilder("| " + key + " |");
      results.forEach(r -> row.append(String.format(" %,.1f |", r.get(key))));
      System.out.println(row);
    }
  }

  private static Map<String, Double> run(Vertx vertx, Path jar, int n, String xmx, int portBase, Path logs)
      throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    SimulatedUpstream upstream = new SimulatedUpstream(42);
    List<String> names = new ArrayList<>();
    Random rnd = new Random(n);
    for (int i = 0; i < n; i++) {
      String name = String.format("scale-pkg-%05d", i);
      double mean = Math.pow(10, 1 + 5 * rnd.nextDouble()); // 10 to 1,000,000 a day
      upstream.addPackage(name, mean < 100 ? Profile.tiny(mean) : Profile.busy(mean));
      names.add(name);
    }
    upstream.setToday(today);
    int simPort = portBase == 0 ? 0 : portBase;
    int kafkaPort = portBase == 0 ? EmbeddedKafka.freePort() : portBase + 1;
    int httpPort = portBase == 0 ? EmbeddedKafka.freePort() : portBase + 2;
    SimulatorServer sim = SimulatorServer.start(vertx, upstream, "127.0.0.1", simPort, 0).await();
    Path dir = Files.createTempDirectory("pypiwatch-scale-");
    Path config = dir.resolve("pypiwatch.yaml");
    Files.writeString(config, config(sim.baseUrl(), dir.resolve("kafka"), kafkaPort, httpPort, names));
    Path gcLog = logs.resolve("gc-" + n + ".log");
    Files.deleteIfExists(gcLog);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long started = System.nanoTime();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-Xlog:gc:file=" + gcLog));
    String extra = System.getProperty("service.jvm-args", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    AtomicBoolean cycleDone = new AtomicBoolean();
    Thread copier = copy(p, logs.resolve("service-" + n + ".log"), cycleDone);
    KafkaClients clients = new KafkaClients(KafkaConfig.DEFAULTS, "localhost:" + kafkaPort);
    Map<String, Double> r = new LinkedHashMap<>();
    try {
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!cycleDone.get()) {
        check(p, deadline, "the first poll cycle");
        Thread.sleep(200);
      }
      r.put("first poll cycle done (s)", seconds(started));
      r.put("records published", metric(http, httpPort, "pypiwatch_records_published_total"));
      try (Admin admin = clients.newAdmin()) {
        KafkaTesting.awaitCommittedToEnd(admin, "pypiwatch-rules", "pypistats.downloads", WAIT);
        r.put("rule stage at the end of downloads (s)", seconds(started));
        KafkaTesting.awaitCommittedToEnd(admin, "pypiwatch-notifier", "pypistats.alerts", WAIT);
        r.put("notifier at the end of alerts (s)", seconds(started));
      }
      r.put("alerts published", metric(http, httpPort, "pypiwatch_alerts_published_total"));
      long[] cpu = cpuTicks(p.pid());
      double wall = seconds(started);
      r.put("CPU user+system (s)", (cpu[0] + cpu[1]) / 100.0);
      r.put("CPU / wall (cores)", (cpu[0] + cpu[1]) / 100.0 / wall);
      r.put("peak RSS (MiB)", vmHwmKb(p.pid()) / 1024.0);
      r.put("peak heap before a GC (MiB)", peakHeap(gcLog));
      r.put("heap after the last GC (MiB)", lastHeapAfter(gcLog));
      r.put("broker log segments (MiB)", size(dir.resolve("kafka")) / 1048576.0);
      r.put("wall per 1,000 packages (s)", r.get("notifier at the end of alerts (s)") / n * 1000);
      r.put("CPU per 1,000 packages (s)", r.get("CPU user+system (s)") / n * 1000);
      if (Boolean.getBoolean("histogram")) {
        histogram(p.pid(), logs.resolve("histogram-" + n + ".txt"));
      }
      return r;
    } finally {
      p.destroy(); // SIGTERM: a clean stop
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
      copier.join(5000);
      sim.stop().await();
      deleteRecursively(dir);
    }
  }

  /**
   * Writes {@code jcmd <pid> GC.class_histogram} (a full GC first: live objects only) to {@code
   * file} and prints its top: what the heap holds at the end of the first cycle.
   */
  private static void histogram(long pid, Path file) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram")
        .redirectErrorStream(true).redirectOutput(file.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    System.out.println("class histogram of pid " + pid + " (" + file + "):");
    Files.readAllLines(file).stream().limit(32).forEach(System.out::println);
  }

  private static String config(String api, Path kafkaDir, int kafkaPort, int httpPort, List<String> names) {
    StringBuilder watchlist = new StringBuilder();
    names.forEach(name -> watchlist.append("  - ").append(name).append('\n'));
    return """
        api:
          base-url: "%s"
          min-interval: 0s
          max-concurrency: 8
          pypi-json-enabled: false
        kafka:
          embedded-data-dir: "%s"
          embedded-port: %d
        http:
          host: 127.0.0.1
          port: %d
        notify:
          group-wait: 1s
          receivers:
            - name: console
              console: {}
          default-receivers: [console]
        watchlist:
        """.formatted(api, kafkaDir, kafkaPort, httpPort) + watchlist;
  }

  /** A metric of {@code /metrics} (the sum over its label sets); 0 while the server does not answer. */
  private static double metric(HttpClient http, int port, String name) throws InterruptedException {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException e) {
      return 0; // not listening yet
    }
  }

  private static long[] cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime (fields 14, 15)
  }

  private static long vmHwmKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static double peakHeap(Path gcLog) throws IOException {
    Matcher m = GC_BEFORE.matcher(Files.readString(gcLog));
    double peak = 0;
    while (m.find()) {
      peak = Math.max(peak, Double.parseDouble(m.group(1)));
    }
    return peak;
  }

  private static double lastHeapAfter(Path gcLog) throws IOException {
    Matcher m = GC_BEFORE.matcher(Files.readString(gcLog));
    double last = Double.NaN;
    while (m.find()) {
      last = Double.parseDouble(m.group(2));
    }
    return last;
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  private static void check(Process p, long deadline, String what) {
    if (!p.isAlive()) {
      throw new IllegalStateException("the service exited while waiting for " + what);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("no " + what + " within " + WAIT);
    }
  }

  /** Copies the service's output to {@code log}; sets {@code cycleDone} at its first "poll cycle done" line. */
  private static Thread copy(Process p, Path log, AtomicBoolean cycleDone) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          if (line.contains("poll cycle done")) {
            cycleDone.set(true);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "watchlist-scale-log");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      // The segments only: index files are preallocated (10 MiB each), sparse until used.
      return paths.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}

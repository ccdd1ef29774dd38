package dev.pypiwatch.cli;

import ch.qos.logback.classic.Level;
import dev.pypiwatch.Service;
import dev.pypiwatch.StartupException;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.simulate.SyntheticPackages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pypiwatch demo}: the simulator, the embedded broker and the service in one process, the
 * simulated days played at a set speed so that the planted events arrive as news and their alerts
 * print on the console.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Show pypiwatch at work, offline: a simulated PyPI Stats API with planted events, an embedded "
          + "Kafka broker and the service with a console receiver. The simulated days are played "
          + "until the planted spike, drop, Python and OS shifts have printed their alerts; then it "
          + "idles until Ctrl-C. Exit 0 after Ctrl-C, 2 on bad input or a port in use."
    })
final class DemoCommand implements Callable<Integer> {
  /**
   * The events day of the synthetic packages: fixed, because the noise is a function of the date,
   * and this is the day {@code PlantedEventsTest} checks (every event fires, quiet packages stay
   * quiet).
   */
  static final LocalDate EVENTS_DAY = LocalDate.of(2025, 7, 1);
  /**
   * Days before the events day the simulated clock starts: the shifts are first reported on
   * EVENTS_DAY-9, so the first poll's backfill (through EVENTS_DAY-11) holds no planted alert and
   * all of them arrive as news.
   */
  static final int DAYS_PLAYED = 10;

  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
      description = "Port of the status server (/ready, /metrics) (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Option(names = "--speed", paramLabel = "DAYS_PER_MINUTE", defaultValue = "10",
      description = "Simulated days played per real minute (default: ${DEFAULT-VALUE}: every planted "
          + "event within about a minute).")
  double speed;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the embedded Kafka broker's data here (default: a temporary directory deleted on exit).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (!(speed > 0 && speed <= 6000)) {
      throw new ParameterException(spec.commandLine(), "--speed must be a number of days a minute above 0 "
          + "and at most 6000, got " + speed);
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
    }
    quietLogs();
    PrintStream out = System.out;
    boolean temporary = dataDir == null;
    Path data = temporary ? Files.createTempDirectory("pypiwatch-demo-") : dataDir.toAbsolutePath();
    LocalDate start = EVENTS_DAY.minusDays(DAYS_PLAYED);
    SimulatedUpstream upstream = SyntheticPackages.upstream(start, EVENTS_DAY);
    Vertx vertx = Vertx.vertx();
    AtomicReference<Service> service = new AtomicReference<>();
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch startAttempted = new CountDownLatch(1);
    Runnable cleanUp = () -> {
      Service s = service.getAndSet(null);
      if (s != null) {
        s.close();
      }
      // Closing Vert.x closes the simulator; wait on that future itself (see SimulateCommand).
      vertx.close().toCompletionStage().toCompletableFuture().join();
      if (temporary) {
        deleteRecursively(data);
      }
    };
    Thread hook = new Thread(() -> {
      stopping.countDown();
      try {
        // Ctrl-C while the service starts: let it finish, or the broker would write into the
        // directory after it was deleted.
        startAttempted.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      cleanUp.run();
      out.println("demo: stopped" + (temporary ? "; deleted " + data : "; Kafka data kept in " + data));
      out.flush();
      stopped.countDown();
    }, "pypiwatch-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    SimulatorServer server = SimulatorServer.start(vertx, upstream, "127.0.0.1", 0, 0)
        .toCompletionStage().toCompletableFuture().join();
    SimulatedDayClock clock = new SimulatedDayClock(start);
    AppConfig config;
    // The dashboard's silences need a token: the user's, or one made up for this run and printed.
    String token = System.getenv().getOrDefault("PYPIWATCH_API_TOKEN", "");
    boolean ownToken = !token.isBlank();
    if (!ownToken) {
      byte[] random = new byte[12];
      new java.security.SecureRandom().nextBytes(random);
      token = java.util.HexFormat.of().formatHex(random);
    }
    try {
      config = ConfigLoader.parse(CONFIG, Path.of("demo.yaml"), Map.of(
          "DEMO_API", server.baseUrl(), "DEMO_DATA_DIR", data.toString(), "DEMO_HTTP_PORT", String.valueOf(port),
          "DEMO_API_TOKEN", token));
    } catch (ConfigException e) {
      throw new IllegalStateException("the demo's own config is invalid: " + e.errors(), e);
    }
    intro(out, server, upstream, start, data, temporary);
    try {
      service.set(Service.start(config, Map.of(), clock));
    } catch (StartupException e) {
      // The demo's settings are its options, not a config file the user could edit.
      System.err.println("demo: " + e.getMessage().replace("set http.port to a free port (0 picks one)",
          "start the demo with --port P (0 picks a free one)"));
      Runtime.getRuntime().removeShutdownHook(hook);
      cleanUp.run();
      return PypiwatchCommand.EXIT_USAGE;
    } finally {
      startAttempted.countDown();
    }
    Service s = service.get();
    String status = "http://127.0.0.1:" + s.statusPort();
    out.println("demo: running; dashboard: " + status + "/ (charts fill in as the days are played); status: "
        + status + "/ready, " + status + "/metrics");
    out.println("demo: API token for silences (the dashboard asks for it once): "
        + (ownToken ? "the one in PYPIWATCH_API_TOKEN" : token));
    out.flush();

    if (play(out, s, upstream, clock, stopping)) {
      long alerts = s.ruleMetrics().alertsPublished();
      out.println("demo: done: " + DAYS_PLAYED + " simulated days played to " + upstream.today() + " (newest data "
          + upstream.today().minusDays(1) + "); " + (alerts > 0
              ? "the planted events' alerts are the [pypiwatch] lines above (" + alerts + " alert transitions "
                  + "evaluated in all, the backfill's not sent as history)"
              // The poller's state in the kept broker data: nothing was new this time.
              : dataDir == null ? "no alert transition (see the log: PYPIWATCH_LOG_LEVEL=INFO)"
              : "no new alert: " + dataDir + " had seen these days in an earlier run (a fresh --data-dir shows them)")
          + ". Idle now: " + status + "/ready, " + status + "/metrics. Ctrl-C stops.");
      out.flush();
    }
    stopped.await();
    return 0;
  }

  /**
   * Plays {@link #DAYS_PLAYED} daily updates at {@link #speed} days a minute: the upstream and the
   * service's clock move on one day together, then the service polls. False if stopped first.
   */
  private boolean play(PrintStream out, Service s, SimulatedUpstream upstream, SimulatedDayClock clock,
      CountDownLatch stopping) throws InterruptedException {
    out.println("demo: first poll: backfilling ~180 days of " + upstream.packages().size() + " packages");
    out.flush();
    if (!await(s.poller().idle(), stopping)) {
      return false;
    }
    long interval = Math.round(60_000 / speed);
    long next = System.nanoTime();
    for (int day = 1; day <= DAYS_PLAYED + 1; day++) {
      next += TimeUnit.MILLISECONDS.toNanos(interval);
      // Waiting on the latch: Ctrl-C ends the wait at once.
      if (stopping.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
      if (day > DAYS_PLAYED) {
        return true; // one more interval for the last day's alerts to be sent before the summary
      }
      upstream.advance(1);
      clock.setDay(upstream.today());
      out.println("demo: " + upstream.today() + " (day " + day + " of " + DAYS_PLAYED + "): the upstream publishes "
          + upstream.today().minusDays(1) + "; polling");
      out.flush();
      if (!await(s.poller().pollNow(), stopping)) {
        return false;
      }
    }
    return true;
  }

  /** Waits for {@code f}; false if the demo is stopping first. A failed poll is the log's to report. */
  private static boolean await(Future<?> f, CountDownLatch stopping) throws InterruptedException {
    var done = f.toCompletionStage().toCompletableFuture();
    while (stopping.getCount() > 0) {
      try {
        done.get(200, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        // check for Ctrl-C, then wait on
      } catch (ExecutionException e) {
        return true;
      }
    }
    return false;
  }

  private void intro(PrintStream out, SimulatorServer server, SimulatedUpstream upstream, LocalDate start,
      Path data, boolean temporary) {
    List<SyntheticPackages.Planted> planted = SyntheticPackages.planted(EVENTS_DAY);
    out.println("pypiwatch demo: a simulated PyPI Stats API, an embedded Kafka broker and the pypiwatch service, "
        + "offline; alerts print here.");
    out.println("demo: upstream " + server.baseUrl() + ": " + upstream.packages().size() + " synthetic packages, all "
        + "watched; simulated today " + start + " (data through " + start.minusDays(1) + ")");
    for (SyntheticPackages.Planted p : planted) {
      out.println("demo: planted " + p.describe());
    }
    out.println("demo: the first poll backfills ~180 days: history, nothing is sent. Then one simulated day every "
        + String.format(java.util.Locale.ROOT, "%.1f", 60 / speed) + " s up to " + EVENTS_DAY
        + "; the planted events arrive as news and print as");
    out.println("demo:   [pypiwatch] <day> FIRING <severity> <rule> <package> <series>/<category>: <summary>");
    out.println("demo: Kafka data in " + data + (temporary ? " (deleted on exit)" : " (kept)")
        + "; the service logs errors only (PYPIWATCH_LOG_LEVEL=INFO for all); Ctrl-C stops");
    out.flush();
  }

  /**
   * The service's log is for operators, and in the demo it would mostly warn about the quirks the
   * simulator plants on purpose (a hole, sparse tiny packages): errors only, unless
   * PYPIWATCH_LOG_LEVEL asks for more.
   */
  private static void quietLogs() {
    if (System.getenv("PYPIWATCH_LOG_LEVEL") != null) {
      return;
    }
    for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.kafka", "kafka")) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
        logger.setLevel(Level.ERROR);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("demo: could not delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The service's config: the simulator without pacing, the embedded broker on any free port,
   * every synthetic package watched, alerts to the console at once (1 s grouping, no reminders:
   * a simulated week passes in a minute).
   */
  private static final String CONFIG = """
      api:
        base-url: "${DEMO_API}"
        min-interval: 0s
        contact: pypiwatch-demo
        pypi-json-enabled: false
      kafka:
        embedded-data-dir: "${DEMO_DATA_DIR}"
        embedded-port: 0
      http:
        host: 127.0.0.1
        port: ${DEMO_HTTP_PORT}
        api-token: "${DEMO_API_TOKEN}"
      notify:
        group-wait: 1s
        repeat-interval: 0s
        receivers:
          - name: console
            console: {}
        default-receivers: [console]
      watchlist: [%s]
      """.formatted(String.join(", ", SyntheticPackages.names()));
}

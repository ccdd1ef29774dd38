package dev.pypiwatch.cli;

import dev.pypiwatch.simulate.RecordedUpstream;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.simulate.SyntheticPackages;
import dev.pypiwatch.simulate.Upstream;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch simulate}: a local PyPI Stats API, synthetic or from a recording. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a local PyPI Stats API (all five endpoints, the real server's answers and rate "
          + "limit) until Ctrl-C: built-in synthetic packages with planted events, or a directory "
          + "written by 'pypiwatch record' (--data).",
      "Clock: POST /_simulate/advance?days=N plays N daily updates; GET /_simulate/state tells "
          + "today and the packages. See docs/simulate.md. Exit 0 after Ctrl-C, 2 on bad input."
    })
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "P", defaultValue = "8090",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
  String host;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Serve a recording (DIR/<package>/<endpoint>.json) instead of the synthetic packages.")
  Path data;

  @Option(names = "--today", paramLabel = "D", converter = BacktestCommand.DateConverter.class,
      description = "The simulated today (YYYY-MM-DD); data runs through the day before. Default: the "
          + "real UTC date (with --data: the day after the newest recorded day).")
  LocalDate today;

  @Option(names = "--rate-limit", paramLabel = "N/min", defaultValue = "30/min", converter = RateConverter.class,
      description = "API requests a minute per client IP before 429 (default: ${DEFAULT-VALUE}; 0: off).")
  int rateLimit;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Upstream upstream;
    List<SyntheticPackages.Planted> planted = List.of();
    try {
      if (data != null) {
        upstream = RecordedUpstream.read(data, today);
      } else {
        LocalDate d = today != null ? today : LocalDate.now(ZoneOffset.UTC);
        upstream = SyntheticPackages.upstream(d, d);
        planted = SyntheticPackages.planted(d);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("simulate: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    Vertx vertx = Vertx.vertx();
    SimulatorServer server;
    try {
      server = SimulatorServer.start(vertx, upstream, host, port, rateLimit)
          .toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      System.err.println("simulate: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    describe(out, server, upstream, planted);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Closing Vert.x closes the server; wait on that future itself: a callback chained after it
      // would run on an event loop that is already gone, and the JVM would never exit.
      vertx.close().toCompletionStage().toCompletableFuture().join();
      stopped.countDown();
    }, "pypiwatch-simulate-shutdown"));
    stopped.await();
    return 0;
  }

  /** What a newcomer needs: where it listens, what it serves, what should be alerted on. */
  static void describe(PrintStream out, SimulatorServer server, Upstream upstream, List<SyntheticPackages.Planted> planted) {
    out.println("simulate: PyPI Stats API at " + server.baseUrl() + " (today " + upstream.today()
        + ", data through " + upstream.today().minusDays(1) + ")");
    out.println("simulate: " + upstream.packages().size() + " package(s): " + String.join(", ", upstream.packages())
        + (upstream instanceof SimulatedUpstream ? " (and __all__)" : ""));
    for (SyntheticPackages.Planted p : planted) {
      out.println("simulate: planted " + p.describe());
    }
    String root = server.baseUrl().substring(0, server.baseUrl().length() - "/api".length());
    out.println("simulate: clock: curl -X POST '" + root + "/_simulate/advance?days=1'; state: " + root + "/_simulate/state");
    out.flush();
  }

  /** Reads {@code 30}, {@code 30/min} or {@code 0}. */
  static final class RateConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      String n = value.endsWith("/min") ? value.substring(0, value.length() - 4) : value;
      try {
        int v = Integer.parseInt(n.trim());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CommandLine.TypeConversionException("expected N or N/min with N >= 0, got '" + value + "'");
    }
  }
}

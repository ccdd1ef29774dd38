package dev.pypiwatch.cli;

import dev.pypiwatch.api.ApiResponse;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.config.WatchedPackage;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.ingest.Recording;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch record}: captures all five API responses of each package to disk. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch all five endpoints of each package (unfiltered) and write each body to "
          + "DIR/<package>/<endpoint>.json, endpoint in recent, overall, python_major, "
          + "python_minor, system.",
      "Endpoints that answer 404 are left absent and reported. Exit 0 if anything was fetched, "
          + "1 if nothing could be, 2 on a bad command line or config."
    })
final class RecordCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (API settings and watchlist).")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write into.")
  Path out;

  @Option(names = "--package", paramLabel = "NAME", description = "Package to record (repeatable); default: the config's watchlist.")
  List<String> packages = new ArrayList<>();

  @Option(names = "--base-url", paramLabel = "URL", description = "Override api.base-url, e.g. a local server.")
  String baseUrl;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    AppConfig cfg = config == null ? AppConfig.defaults() : CommandConfig.load("record", config, false, err);
    if (cfg == null) {
      return PypiwatchCommand.EXIT_USAGE;
    }
    Set<String> names = new LinkedHashSet<>();
    for (String p : packages) {
      if (!PackageName.isValid(p)) {
        err.println("record: " + PackageName.describeInvalid(p));
        return PypiwatchCommand.EXIT_USAGE;
      }
      names.add(PackageName.normalize(p));
    }
    if (names.isEmpty()) {
      cfg.watchlist().packages().stream().map(WatchedPackage::name).forEach(names::add);
    }
    if (names.isEmpty()) {
      err.println("record: no packages: give --package NAME or a --config with a watchlist");
      return PypiwatchCommand.EXIT_USAGE;
    }
    ApiConfig api = baseUrl == null ? cfg.api() : cfg.api().withBaseUrl(baseUrl);
    return recordAll(api, new ArrayList<>(names), new Recording(out), err);
  }

  private int recordAll(ApiConfig api, List<String> names, Recording recording, PrintStream err) {
    Vertx vertx = Vertx.vertx();
    int written = 0;
    try (PypiStatsClient client = new PypiStatsClient(vertx, api)) {
      for (int i = 0; i < names.size(); i++) {
        String pkg = names.get(i);
        List<String> outcomes = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
          String outcome = recordOne(client, recording, pkg, endpoint);
          if (outcome.startsWith("ok")) {
            written++;
          }
          outcomes.add(endpoint.path() + " " + outcome);
        }
        err.printf("[%d/%d] %s: %s%n", i + 1, names.size(), pkg, String.join(", ", outcomes));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    err.printf("record: %d file(s) written under %s%n", written, recording.dir());
    return written > 0 ? 0 : 1;
  }

  // Endpoints run one after another: the client paces requests anyway, and one at a time keeps the
  // progress line honest about what finished.
  private static String recordOne(PypiStatsClient client, Recording recording, String pkg, Endpoint endpoint) {
    Future<ApiResponse<String>> f = client.fetchBody(pkg, endpoint);
    try {
      ApiResponse<String> response = f.toCompletionStage().toCompletableFuture().join();
      if (response instanceof ApiResponse.Data<String> data) {
        recording.write(pkg, endpoint, data.body());
        return "ok";
      }
      if (response instanceof ApiResponse.NoData<String> none) {
        recording.write(pkg, endpoint, none.body());
        return "ok (no data)";
      }
      recording.delete(pkg, endpoint);
      return "absent (404)";
    } catch (IOException e) {
      return "FAILED: cannot write " + recording.file(pkg, endpoint) + ": " + e.getMessage();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return "FAILED: " + cause.getMessage();
    }
  }
}

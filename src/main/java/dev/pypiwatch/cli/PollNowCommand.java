package dev.pypiwatch.cli;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.HttpConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch poll-now}: asks a running service to poll its watchlist at once. */
@Command(name = "poll-now", mixinStandardHelpOptions = true,
    description = {
      "Asks the running service (its status server, POST /poll) to poll the whole watchlist now instead of at "
          + "poller.poll-at, e.g. right after the upstream's daily update. Returns once the cycle is queued; a "
          + "cycle already waiting to start is not queued twice.",
    })
final class PollNowCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/pypiwatch.yaml",
      description = "The service's configuration, for http.host and http.port (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--url", paramLabel = "URL",
      description = "The status server's base URL, e.g. http://127.0.0.1:8080 (default: from the config).")
  String url;

  @Override
  public Integer call() throws InterruptedException {
    String base = url;
    if (base == null) {
      AppConfig cfg = CommandConfig.load("poll-now", config, false, System.err);
      if (cfg == null) {
        return PypiwatchCommand.EXIT_USAGE;
      }
      HttpConfig http = cfg.http();
      String host = http.host().equals("0.0.0.0") ? "127.0.0.1" : http.host();
      base = "http://" + host + ":" + http.port();
    }
    URI uri = URI.create(base.replaceAll("/+$", "") + "/poll");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 202) {
        System.out.println("poll-now: a poll cycle is queued at " + base + " (watch its log, or /ready and /metrics)");
        return 0;
      }
      System.err.println("poll-now: " + uri + " answered HTTP " + r.statusCode() + ": is that a pypiwatch status server?");
      return 1;
    } catch (IOException e) {
      System.err.println("poll-now: no pypiwatch answers at " + base + " (" + e.getClass().getSimpleName()
          + "): is `pypiwatch run` running, with its status server on that port (http.port)?");
      return 1;
    }
  }
}

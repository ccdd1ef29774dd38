package dev.pypiwatch.cli;

import dev.pypiwatch.Service;
import dev.pypiwatch.StartupException;
import dev.pypiwatch.config.AppConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch run}: the service; polls the watchlist daily and publishes to Kafka. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the service: poll the watchlist on start-up and daily after the upstream update, and "
          + "publish DownloadRecord events to Kafka (an embedded broker unless "
          + "kafka.bootstrap-servers is set). Stops cleanly on SIGTERM / Ctrl-C.",
    })
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/pypiwatch.yaml",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = CommandConfig.load("run", config, true, System.err);
    if (cfg == null) {
      return PypiwatchCommand.EXIT_USAGE;
    }
    Service service;
    try {
      service = Service.start(cfg, System.getenv());
    } catch (StartupException e) {
      System.err.println("run: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    if (service.statusPort() > 0) {
      String host = cfg.http().host();
      // A wildcard address is no place to browse to; this machine is.
      boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
      System.out.println("run: dashboard at http://" + (any ? "127.0.0.1" : host) + ":" + service.statusPort() + "/");
      System.out.flush();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "pypiwatch-shutdown"));
    service.awaitClosed();
    return 0;
  }
}

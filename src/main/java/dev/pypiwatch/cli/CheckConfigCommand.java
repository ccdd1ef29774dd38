package dev.pypiwatch.cli;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pypiwatch check-config [FILE]}: validates a configuration file. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a configuration file.",
      "Exit 0 and a one-line summary when it is valid; exit 2 and every error "
          + "(file:line:column: key: problem) otherwise."
    })
final class CheckConfigCommand implements Callable<Integer> {

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "config/pypiwatch.yaml",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path file;

  @Override
  public Integer call() {
    try {
      AppConfig config = ConfigLoader.load(file, System.getenv());
      System.out.println(file + ": OK, " + config.summary());
      return 0;
    } catch (ConfigException e) {
      e.errors().forEach(err -> System.err.println(err));
      System.err.println(file + ": " + e.errors().size() + " error(s)");
      return PypiwatchCommand.EXIT_USAGE;
    }
  }
}

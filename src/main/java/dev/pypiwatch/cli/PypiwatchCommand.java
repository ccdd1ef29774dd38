package dev.pypiwatch.cli;

import dev.pypiwatch.outbound.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The top-level {@code pypiwatch} command; its subcommands do the work. */
@Command(
    name = "pypiwatch",
    mixinStandardHelpOptions = true,
    versionProvider = PypiwatchCommand.VersionProvider.class,
    description = "Monitor and alert on Python package downloads from the PyPI Stats API.",
    subcommands = {DemoCommand.class, RunCommand.class, PollNowCommand.class, ConsumeCommand.class, DlqCommand.class, CheckConfigCommand.class,
      RecordCommand.class, BacktestCommand.class, EvaluateCommand.class, SimulateCommand.class,
      CommandLine.HelpCommand.class})
public final class PypiwatchCommand implements Runnable {

  /** Exit code of a command line or input the command cannot accept. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(System.err);
  }

  /** Runs the command line and returns the exit code (usage errors give {@link #EXIT_USAGE}). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new PypiwatchCommand());
    return cl.execute(args);
  }

  /** Reports the build's version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pypiwatch " + Version.get()};
    }
  }
}

package dev.pypiwatch.cli;

import dev.pypiwatch.events.TextFormat;
import dev.pypiwatch.outbound.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
    cl.setParameterExceptionHandler(PypiwatchCommand::usageError);
    return cl.execute(args);
  }

  /**
   * Picocli's own report of a bad command line, with the argument it echoes escaped ({@link
   * TextFormat#printable}): an argument holding a line break or a terminal escape stays one line.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(cl.getColorScheme().errorText(TextFormat.printable(e.getMessage())));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      cl.usage(err, cl.getColorScheme());
    }
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Reports the build's version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pypiwatch " + Version.get()};
    }
  }
}

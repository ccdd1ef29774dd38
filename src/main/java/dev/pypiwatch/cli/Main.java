package dev.pypiwatch.cli;


/** Entry point of the {@code pypiwatch} command: parses the command line and runs a command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(PypiwatchCommand.execute(args));
  }
}

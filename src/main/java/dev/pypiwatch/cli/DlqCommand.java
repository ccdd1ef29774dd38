package dev.pypiwatch.cli;

import dev.pypiwatch.DeadLetters;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch dlq}: the notifications given up on (the dead-letter topic), listed and sent again. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "The dead-letter topic (notify.dlq-topic): notifications given up on after the last retry.",
    subcommands = {DlqCommand.ListCommand.class, DlqCommand.ReplayCommand.class})
final class DlqCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** The options both subcommands take. */
  static class Selection {
    @Option(names = "--config", paramLabel = "FILE", required = true,
        description = "Configuration file: Kafka, the notifier's topics and receivers.")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
        description = "Kafka; default: kafka.bootstrap-servers, else the embedded broker at localhost:<kafka.embedded-port>.")
    String bootstrapServers;

    @Option(names = "--receiver", paramLabel = "NAME", description = "Only the dead letters of this receiver.")
    String receiver;

    @Option(names = "--since", paramLabel = "DATE|INSTANT",
        description = "Only dead letters given up on at or after this (2026-04-10 or 2026-04-10T03:00:00Z).")
    String since;

    // Set by prepare(): the loaded config, the start of --since, the broker's address.
    AppConfig cfg;
    Instant from;
    String servers;

    /** Loads the config and checks the options and the broker: null if all is well, else the exit code (said why). */
    Integer prepare(String command) {
      cfg = CommandConfig.load(command, config, true, System.err);
      if (cfg == null) {
        return PypiwatchCommand.EXIT_USAGE;
      }
      try {
        from = since == null ? null : since.contains("T") ? Instant.parse(since)
            : LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        System.err.println(command + ": --since " + since + " is neither a date (2026-04-10) nor an instant "
            + "(2026-04-10T03:00:00Z)");
        return PypiwatchCommand.EXIT_USAGE;
      }
      if (receiver != null && cfg.notifications().receivers().stream().noneMatch(r -> r.name().equals(receiver))) {
        System.err.println(command + ": --receiver " + receiver + " is not in notify.receivers of " + config);
        return PypiwatchCommand.EXIT_USAGE;
      }
      KafkaConfig kafka = cfg.kafka();
      servers = bootstrapServers != null ? bootstrapServers
          : kafka.embedded() ? "localhost:" + kafka.embeddedPort() : kafka.bootstrapServers();
      if (!KafkaClients.reachable(servers, Duration.ofSeconds(3))) {
        System.err.println(command + ": no Kafka broker answers at " + servers + ". Is pypiwatch running? Or give "
            + "--bootstrap-servers HOST:PORT of a running one.");
        return 1;
      }
      return null;
    }
  }

  /** {@code pypiwatch dlq list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the dead letters, oldest first: when given up on, receiver, kind, day, id, attempts, "
          + "state (dead-lettered, replayed, not replayable) and the last error.")
  static final class ListCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin Selection selection = new Selection();

    @Override
    public Integer call() {
      Integer failed = selection.prepare("dlq list");
      if (failed != null) {
        return failed;
      }
      try {
        int n = DeadLetters.list(selection.cfg, selection.servers, selection.receiver, selection.from, System.out);
        System.err.printf("dlq list: %d dead letter(s) in %s%n", n, selection.cfg.notifications().dlqTopic());
        return 0;
      } catch (IllegalStateException e) {
        System.err.println("dlq list: " + e.getMessage() + " at " + selection.servers);
        return 1;
      }
    }
  }

  /** {@code pypiwatch dlq replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {
        "Send the dead letters again, oldest first, through the receiver's channel with the original id (the "
            + "webhook's Idempotency-Key), retrying per notify.retry. A delivered one is recorded in the sent "
            + "topic: a second replay does not send it again. Digests are not replayed (the next day's "
            + "supersedes them). Exit code 1 if one failed again.",
      })
  static final class ReplayCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin Selection selection = new Selection();

    @Option(names = "--dry-run", description = "Only say what would be sent again.")
    boolean dryRun;

    @Override
    public Integer call() {
      Integer failed = selection.prepare("dlq replay");
      if (failed != null) {
        return failed;
      }
      DeadLetters.Summary s;
      try {
        s = DeadLetters.replay(selection.cfg, selection.servers, selection.receiver, selection.from, dryRun,
            System.out);
      } catch (IllegalStateException e) {
        System.err.println("dlq replay: " + e.getMessage() + " at " + selection.servers);
        return 1;
      }
      System.err.printf("dlq replay: %d %s, %d skipped, %d failed%n", s.replayed(),
          dryRun ? "would be replayed (dry run)" : "replayed", s.skipped(), s.failed());
      return s.failed() > 0 ? 1 : 0;
    }
  }
}

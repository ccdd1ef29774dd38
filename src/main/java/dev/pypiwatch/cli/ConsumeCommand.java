package dev.pypiwatch.cli;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pypiwatch consume}: prints the events of a topic, one JSON value per line. */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Print the events of a topic from the beginning, one JSON value per line on stdout "
          + "(read_committed, no consumer group). Stops after --max-messages, or when no "
          + "message arrived for --idle-timeout.",
    })
final class ConsumeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file: Kafka settings and topic names.")
  Path config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka to read from; default: kafka.bootstrap-servers, else the embedded broker at localhost:<kafka.embedded-port>.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", description = "Topic; default: kafka.topics.downloads (pypistats.downloads).")
  String topic;

  @Option(names = "--max-messages", paramLabel = "N", defaultValue = "0", description = "Stop after N messages (0: no limit).")
  long maxMessages;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Stop when nothing arrived for this many seconds (default: ${DEFAULT-VALUE}).")
  int idleSeconds;

  @Override
  public Integer call() {
    AppConfig cfg = config == null ? AppConfig.defaults() : CommandConfig.load("consume", config, false, System.err);
    if (cfg == null) {
      return PypiwatchCommand.EXIT_USAGE;
    }
    KafkaConfig kafka = cfg.kafka();
    String servers = bootstrapServers != null ? bootstrapServers
        : kafka.embedded() ? "localhost:" + kafka.embeddedPort() : kafka.bootstrapServers();
    String name = topic != null ? topic : kafka.topics().downloads();
    if (!KafkaClients.reachable(servers, Duration.ofSeconds(3))) {
      System.err.println("consume: no Kafka broker answers at " + servers + (bootstrapServers != null
          ? " (--bootstrap-servers)" : kafka.embedded() ? " (the embedded broker's kafka.embedded-port)"
              : " (kafka.bootstrap-servers)")
          + ". Is pypiwatch running? `pypiwatch run` starts the embedded broker; or give --bootstrap-servers "
          + "HOST:PORT of a running one.");
      return 1;
    }
    long n;
    try {
      n = print(new KafkaClients(kafka, servers), name, System.out);
    } catch (IllegalStateException e) {
      System.err.println("consume: " + e.getMessage() + " at " + servers);
      return 1;
    }
    System.err.printf("consume: %d message(s) from %s at %s%n", n, name, servers);
    return 0;
  }

  private long print(KafkaClients clients, String name, PrintStream out) {
    long count = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        TopicReader.fromBeginning(clients, name, Duration.ofSeconds(idleSeconds))) {
      long idleUntil = System.nanoTime() + Duration.ofSeconds(idleSeconds).toNanos();
      while (System.nanoTime() < idleUntil && (maxMessages == 0 || count < maxMessages)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (maxMessages > 0 && count >= maxMessages) {
            break;
          }
          out.println(new String(r.value(), StandardCharsets.UTF_8));
          count++;
          idleUntil = System.nanoTime() + Duration.ofSeconds(idleSeconds).toNanos();
        }
      }
    }
    out.flush();
    return count;
  }
}

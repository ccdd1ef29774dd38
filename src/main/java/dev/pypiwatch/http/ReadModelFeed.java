package dev.pypiwatch.http;

import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ReadModel} caught up with the downloads and alerts topics: one group-less
 * read_committed consumer per topic, from the beginning, read to its end about every second on a
 * thread of its own (so the API never waits on Kafka and no stage waits on the API).
 */
public final class ReadModelFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadModelFeed.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** How often the topics are caught up. */
  public static final Duration REFRESH = Duration.ofSeconds(1);

  private final KafkaClients clients;
  private final String downloadsTopic;
  private final String alertsTopic;
  private final ReadModel model;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean caughtUpOnce;

  /** A feed of {@code model} from the two topics; {@link #start()} starts it. */
  public ReadModelFeed(KafkaClients clients, String downloadsTopic, String alertsTopic, ReadModel model) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.downloadsTopic = Objects.requireNonNull(downloadsTopic, "downloadsTopic");
    this.alertsTopic = Objects.requireNonNull(alertsTopic, "alertsTopic");
    this.model = Objects.requireNonNull(model, "model");
    this.thread = new Thread(this::run, "pypiwatch-read-model");
    thread.setDaemon(true);
  }

  /** Starts reading on its own thread. */
  public void start() {
    thread.start();
  }

  /** True once both topics were read to their end at least once. */
  public boolean caughtUpOnce() {
    return caughtUpOnce;
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> downloads = TopicReader.fromBeginning(clients, downloadsTopic, TIMEOUT);
        KafkaConsumer<String, byte[]> alerts = TopicReader.fromBeginning(clients, alertsTopic, TIMEOUT)) {
      while (!stopping) {
        try {
          TopicReader.readToEnd(downloads, TIMEOUT, TopicReader.decodedQuietly(EventCodec::decodeRecord, model::add));
          TopicReader.readToEnd(alerts, TIMEOUT, TopicReader.decodedQuietly(AlertCodec::decode, model::add));
          caughtUpOnce = true;
        } catch (IllegalStateException e) {
          // A slow broker: the positions are kept, so the next round continues where this one stopped.
          LOG.warn("read model not caught up: {}", e.getMessage());
        }
        Thread.sleep(REFRESH.toMillis());
      }
    } catch (InterruptedException | InterruptException e) {
      Thread.currentThread().interrupt(); // close() interrupts a wait; the consumers close on the way out
    } catch (RuntimeException e) {
      if (!stopping) {
        LOG.error("read model feed stopped: the HTTP API shows no new data", e);
      }
    }
  }

  /** Stops the thread and closes its consumers; waits for it. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

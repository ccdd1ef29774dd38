package dev.pypiwatch.http;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.SilenceCodec;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ReadModel} caught up with the downloads, alerts and silences topics: one group-less
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
  private final String silencesTopic;
  private final ReadModel model;
  private final Consumer<Alert> newAlerts;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  // Set on the feed's thread, woken up from close(): a consumer must not be interrupted mid-call.
  private volatile KafkaConsumer<String, byte[]> downloads;
  private volatile KafkaConsumer<String, byte[]> alerts;
  private volatile KafkaConsumer<String, byte[]> silences;
  private volatile boolean caughtUp;

  /** A feed of {@code model} from the two topics; {@link #start()} starts it. */
  public ReadModelFeed(KafkaClients clients, String downloadsTopic, String alertsTopic, ReadModel model) {
    this(clients, downloadsTopic, alertsTopic, model, a -> { });
  }

  /**
   * The same, also handing {@code newAlerts} each transition recorded after the first catch-up
   * (the ones already on the topic at start-up are history, not news); it must not block.
   */
  public ReadModelFeed(KafkaClients clients, String downloadsTopic, String alertsTopic, ReadModel model,
      Consumer<Alert> newAlerts) {
    this(clients, downloadsTopic, alertsTopic, null, model, newAlerts);
  }

  /** The same, also reading the silences topic {@code silencesTopic} (none if null). */
  public ReadModelFeed(KafkaClients clients, String downloadsTopic, String alertsTopic, String silencesTopic,
      ReadModel model, Consumer<Alert> newAlerts) {
    this.silencesTopic = silencesTopic;
    this.newAlerts = Objects.requireNonNull(newAlerts, "newAlerts");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.downloadsTopic = Objects.requireNonNull(downloadsTopic, "downloadsTopic");
    this.alertsTopic = Objects.requireNonNull(alertsTopic, "alertsTopic");
    this.model = Objects.requireNonNull(model, "model");
    this.thread = new Thread(this::run, "pypiwatch-read-model");
    thread.setDaemon(true);
  }

  /** True once the topics were read to their ends (as of then) the first time: the API shows what Kafka holds. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Starts reading on its own thread. */
  public void start() {
    thread.start();
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> d = TopicReader.fromBeginning(clients, downloadsTopic, TIMEOUT);
        KafkaConsumer<String, byte[]> a = TopicReader.fromBeginning(clients, alertsTopic, TIMEOUT);
        KafkaConsumer<String, byte[]> s = silencesTopic == null ? null
            : TopicReader.fromBeginning(clients, silencesTopic, TIMEOUT)) {
      downloads = d;
      alerts = a;
      silences = s;
      boolean[] live = {false};
      while (stop.getCount() > 0) {
        catchUp(d, TopicReader.readQuietly(CloudEventHeaders::downloadRecord, model::add));
        catchUp(a, TopicReader.decodedQuietly(AlertCodec::decode, alert -> {
          model.add(alert);
          if (live[0]) {
            tell(alert);
          }
        }));
        if (s != null) {
          catchUp(s, TopicReader.decodedQuietly(SilenceCodec::decode, model::add));
        }
        live[0] = true;
        caughtUp = true;
        if (stop.await(REFRESH.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (WakeupException e) {
      // close() woke a consumer up: stopping
    } catch (RuntimeException e) {
      if (stop.getCount() > 0) {
        LOG.error("read model feed stopped: the HTTP API shows no new data", e);
      }
    }
  }

  private void tell(Alert alert) {
    try {
      newAlerts.accept(alert);
    } catch (RuntimeException e) {
      // The read model must keep up whatever a listener does.
      LOG.warn("new alert listener failed [fingerprint: {}]", alert.fingerprint(), e);
    }
  }

  /**
   * Reads {@code c} to its end into {@code each}; on a timeout (a slow or unreachable broker) puts each partition
   * back right after the last record handed over, so the next round neither skips a record fetched
   * but not handed over nor hands one over twice (an alert transition would count twice).
   */
  private static void catchUp(KafkaConsumer<String, byte[]> c, Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<TopicPartition, Long> next = new HashMap<>();
    for (TopicPartition tp : c.assignment()) {
      next.put(tp, c.position(tp));
    }
    try {
      TopicReader.readToEnd(c, TIMEOUT, r -> {
        each.accept(r);
        next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      });
    } catch (IllegalStateException | RetriableException e) {
      // A slow or unreachable broker (stopped, restarting): the feed outlives it.
      next.forEach(c::seek);
      LOG.warn("read model not caught up, continues next round: {}", e.getMessage());
    }
  }

  /** Stops the thread and closes its consumers; waits for it. */
  @Override
  public void close() {
    if (stop.getCount() == 0) {
      return; // closed before
    }
    stop.countDown();
    for (KafkaConsumer<String, byte[]> c : java.util.Arrays.asList(downloads, alerts, silences)) {
      if (c != null) {
        c.wakeup();
      }
    }
    try {
      thread.join(TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one package's poll results (downloads, recent figures and the poller's state snapshot)
 * atomically, in one Kafka transaction of one transactional producer.
 *
 * <p>Because the state snapshot commits with the records, a crash can never leave records published
 * without the state that says so (or the reverse); {@code read_committed} consumers see each batch
 * once or not at all. Not thread-safe: one publisher per worker thread. All methods block.
 */
public final class DownloadPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadPublisher.class);

  /** Attempts per batch (first included) and the first back-off, doubling up to 10 s. */
  public record Retry(int maxAttempts, Duration initialBackoff) {
    /** 5 attempts, 200 ms back-off first. */
    public static final Retry DEFAULTS = new Retry(5, Duration.ofMillis(200));

    public Retry {
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1");
      }
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final KafkaClients clients;
  private final Topics topics;
  private final String transactionalId;
  private final Retry retry;
  private KafkaProducer<String, byte[]> producer;

  /** A publisher with default retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId) {
    this(clients, topics, transactionalId, Retry.DEFAULTS);
  }

  /** A publisher with the given retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId, Retry retry) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.producer = newProducer();
  }

  /**
   * Sends {@code downloads} to the downloads topic, {@code recent} to the recent topic and
   * {@code pollerState} to the poller-state topic, all keyed by {@code pkg}, in one transaction,
   * and commits. Retries retriable failures with back-off. Blocking.
   *
   * @throws IllegalArgumentException if an observation belongs to another package
   * @throws PublishException if the batch could not be committed; then none of it is visible
   */
  public void publishBatch(String pkg, List<DownloadObservation> downloads, List<RecentObservation> recent,
      byte[] pollerState) {
    List<ProducerRecord<String, byte[]>> records = records(pkg, downloads, recent, pollerState);
    Duration backoff = retry.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure = tryPublish(records);
      if (failure == null) {
        LOG.debug("Published {} records of package {}", records.size(), pkg);
        return;
      }
      if (!isRetriable(failure)) {
        throw new PublishException(pkg, records.size(), "non-retriable " + failure, failure);
      }
      if (attempt >= retry.maxAttempts()) {
        throw new PublishException(pkg, records.size(), "gave up after " + attempt + " attempts, last: " + failure,
            failure);
      }
      LOG.warn("Publishing {} records of package {} failed (attempt {} of {}), retrying in {} ms: {}",
          records.size(), pkg, attempt, retry.maxAttempts(), backoff.toMillis(), failure.toString());
      sleep(backoff, pkg, records.size());
      backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
    }
  }

  private List<ProducerRecord<String, byte[]>> records(String pkg, List<DownloadObservation> downloads,
      List<RecentObservation> recent, byte[] pollerState) {
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(pollerState, "pollerState (a null value would delete the package's state)");
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(downloads.size() + recent.size() + 1);
    for (DownloadObservation d : downloads) {
      requireSamePackage(pkg, d.record().packageName());
      out.add(new ProducerRecord<>(topics.downloads(), null, pkg, EventCodec.encode(d),
          CloudEventHeaders.forDownload(d)));
    }
    for (RecentObservation r : recent) {
      requireSamePackage(pkg, r.recent().packageName());
      out.add(new ProducerRecord<>(topics.recent(), null, pkg, EventCodec.encode(r), CloudEventHeaders.forRecent(r)));
    }
    out.add(new ProducerRecord<>(topics.pollerState(), pkg, pollerState));
    return out;
  }

  private static void requireSamePackage(String pkg, String other) {
    if (!pkg.equals(other)) {
      throw new IllegalArgumentException("observation of package " + other + " in the batch of " + pkg);
    }
  }

  /** One transaction; returns the failure (after aborting or replacing the producer) or null on success. */
  private RuntimeException tryPublish(List<ProducerRecord<String, byte[]>> records) {
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r); // a failed send makes commitTransaction throw
      }
      producer.commitTransaction();
      return null;
    } catch (RuntimeException e) {
      if (hasCause(e, ApplicationRecoverableException.class)) {
        // Fenced (another producer took over the transactional.id) or epoch invalid: this instance is dead.
        LOG.warn("Producer {} fenced or invalid ({}); recreating it", transactionalId, e.toString());
        recreateProducer();
      } else {
        abortOrRecreate(e);
      }
      return e;
    }
  }

  private void abortOrRecreate(RuntimeException cause) {
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      // E.g. a fatal error or a commit that timed out: a new producer (initTransactions) resolves the transaction.
      LOG.warn("Aborting the transaction of {} failed ({}) after {}; recreating the producer",
          transactionalId, e.toString(), cause.toString());
      recreateProducer();
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Retriable: a timeout or transient broker error anywhere in the cause chain, an abortable transaction, or fencing. */
  static boolean isRetriable(Throwable e) {
    return hasCause(e, RetriableException.class) || hasCause(e, TransactionAbortableException.class)
        || hasCause(e, ApplicationRecoverableException.class);
  }

  private KafkaProducer<String, byte[]> newProducer() {
    return clients.newTransactionalProducer(transactionalId);
  }

  private void recreateProducer() {
    producer.close(Duration.ZERO);
    producer = newProducer();
  }

  private static void sleep(Duration d, String pkg, int records) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException(pkg, records, "interrupted while backing off", e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Closes the producer, waiting up to 5 s for in-flight requests. Blocking. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  /** 5 attempts per batch, 200 ms back-off first, doubling up to 10 s. */
  public static final RetryPolicy DEFAULT_RETRY =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), RetryPolicy.Jitter.NONE);

  private final Topics topics;
  private final RetryPolicy retry;
  private final TransactionalProducer producer;

  /** A publisher with default retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId) {
    this(clients, topics, transactionalId, DEFAULT_RETRY);
  }

  /** A publisher with the given retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId, RetryPolicy retry) {
    Objects.requireNonNull(clients, "clients");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.producer = new TransactionalProducer(clients, Objects.requireNonNull(transactionalId, "transactionalId"));
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
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commit(records);
        LOG.debug("Published {} records of package {}", records.size(), pkg);
        return;
      } catch (RuntimeException failure) {
        producer.abortAfter(failure);
        if (!TransactionalProducer.isRetriable(failure)) {
          throw new PublishException(pkg, records.size(), "non-retriable " + failure, failure);
        }
        if (!retry.allowsAnotherAfter(attempt)) {
          throw new PublishException(pkg, records.size(), "gave up after " + attempt + " attempts, last: " + failure,
              failure);
        }
        Duration backoff = retry.backoff(attempt);
        LOG.warn("Publishing {} records of package {} failed (attempt {} of {}), retrying in {} ms: {}",
            records.size(), pkg, attempt, retry.maxAttempts(), backoff.toMillis(), failure.toString());
        if (!RetryPolicy.pause(backoff)) {
          throw new PublishException(pkg, records.size(), "interrupted while backing off", failure);
        }
      }
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

  /** Closes the producer, waiting up to 5 s for in-flight requests. Blocking. */
  @Override
  public void close() {
    producer.close();
  }
}

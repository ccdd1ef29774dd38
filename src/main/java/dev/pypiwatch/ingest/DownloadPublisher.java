package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.outbound.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import dev.pypiwatch.ingest.PackageOwnership.GroupCommit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

  /** Header of the poller-state record naming its batch: how a commit of unknown outcome is looked up. */
  static final String BATCH_HEADER = "pypiwatch-batch";
  /** How long reading the poller state back may take. */
  private static final Duration READ_BACK = Duration.ofSeconds(30);

  private final KafkaClients clients;
  private final Topics topics;
  private final RetryPolicy retry;
  private final TransactionalProducer producer;

  /** A publisher with default retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId) {
    this(clients, topics, transactionalId, DEFAULT_RETRY);
  }

  /** A publisher with the given retries; creates the producer and initializes its transactions (blocking). */
  public DownloadPublisher(KafkaClients clients, Topics topics, String transactionalId, RetryPolicy retry) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.producer = new TransactionalProducer(clients, Objects.requireNonNull(transactionalId, "transactionalId"),
        List.of(topics.downloads(), topics.recent(), topics.pollerState()));
  }

  /**
   * Sends {@code downloads} to the downloads topic, {@code recent} to the recent topic and
   * {@code pollerState} to the poller-state topic, all keyed by {@code pkg}, in one transaction,
   * and commits. Retries retriable failures with back-off. Blocking.
   *
   * @throws IllegalArgumentException if an observation belongs to another package
   * <p>A commit whose outcome is unknown (not acknowledged) is looked up before trying again: the
   * batch's poller-state record carries a unique batch id, so a batch that went through is never
   * sent twice.
   *
   * @throws PublishException if the batch could not be committed (then none of it is visible) or
   *     whether it was is unknown ({@link PublishException#outcomeUnknown()})
   */
  public void publishBatch(String pkg, List<DownloadObservation> downloads, List<RecentObservation> recent,
      byte[] pollerState) {
    publishBatch(pkg, downloads, recent, pollerState, () -> Optional.of(GroupCommit.NONE));
  }

  /**
   * As {@link #publishBatch(String, List, List, byte[])}, committing the group offsets {@code
   * fence} gives (asked before each attempt) in the same transaction: the broker refuses them, and
   * so the batch, from a member of a stale group generation. A refused batch is tried again with
   * the member's current metadata while {@code fence} says the package is still this instance's.
   *
   * @throws PublishException also when {@code fence} says the package is no longer this
   *     instance's ({@link PublishException#moved()}); nothing of the batch is then visible
   */
  public void publishBatch(String pkg, List<DownloadObservation> downloads, List<RecentObservation> recent,
      byte[] pollerState, Supplier<Optional<GroupCommit>> fence) {
    String batch = UUID.randomUUID().toString();
    List<ProducerRecord<String, byte[]>> records = records(pkg, downloads, recent, pollerState, batch);
    boolean unsettled = false; // a commit of this batch may have gone through
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      try {
        if (unsettled && landed(pkg, batch)) {
          LOG.info("the commit of package {} went through after all, not sent again [records: {}]", pkg,
              records.size());
          return;
        }
        unsettled = false;
        GroupCommit commit = fence.get().orElse(null);
        if (commit == null) {
          throw PublishException.moved(pkg, records.size());
        }
        producer.commit(records, commit.offsets(), commit.group());
        LOG.debug("Published {} records of package {}", records.size(), pkg);
        return;
      } catch (PublishException e) {
        throw e; // moved to another instance: no transaction was begun
      } catch (RuntimeException e) {
        failure = e;
        unsettled |= TransactionalProducer.isOutcomeUnknown(e);
      }
      producer.abortAfter(failure);
      // While unsettled, every failure (of the read-back too) is worth another attempt: giving up
      // leaves the caller unsure whether to publish these records again.
      if (!unsettled && !TransactionalProducer.isRetriable(failure) && !staleGeneration(failure)) {
        throw new PublishException(pkg, records.size(), "non-retriable " + failure, false, failure);
      }
      if (!retry.allowsAnotherAfter(attempt)) {
        throw new PublishException(pkg, records.size(), "gave up after " + attempt + " attempts, last: " + failure,
            unsettled, failure);
      }
      Duration backoff = retry.backoff(attempt);
      LOG.warn("Publishing {} records of package {} failed (attempt {} of {}), retrying in {} ms: {}",
          records.size(), pkg, attempt, retry.maxAttempts(), backoff.toMillis(), failure.toString());
      if (!RetryPolicy.pause(backoff)) {
        throw new PublishException(pkg, records.size(), "interrupted while backing off", unsettled, failure);
      }
    }
  }

  /**
   * True if the group coordinator refused the transaction's offsets: the member's generation is
   * stale (a rebalance happened). The next attempt asks the fence again: current metadata, or the
   * package moved.
   */
  private static boolean staleGeneration(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CommitFailedException || t instanceof FencedInstanceIdException
          || t instanceof IllegalGenerationException || t instanceof UnknownMemberIdException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The package's state as committed now (null if it has none), read from its partition: what to
   * plan from after a batch whose commit had an unknown outcome, or that a replacement of the
   * producer may have aborted ({@link #takeAborted}). Blocking.
   */
  public byte[] committedState(String pkg) {
    producer.open(); // settles any transaction of ours still open or half-committed
    return PollerStateStore.committedOf(clients, topics.pollerState(), pkg, READ_BACK);
  }

  /**
   * The packages among {@code known} whose batch a replacement of the producer may have aborted
   * since the last call: those whose partition of a topic of the batch holds a transaction the
   * broker had left open without markers, now aborted ({@link TransactionalProducer#takeAborted}).
   * Such a batch may have been reported published; their state is to be read back ({@link
   * #committedState}) before they are planned again. Blocking (the topics' partition counts are
   * asked when something was aborted); if they cannot be, every package of {@code known}.
   */
  public Set<String> takeAborted(Collection<String> known) {
    Map<String, Set<Integer>> aborted = new HashMap<>();
    List<String> batchTopics = List.of(topics.downloads(), topics.recent(), topics.pollerState());
    for (TopicPartition tp : producer.takeAborted()) {
      if (batchTopics.contains(tp.topic())) { // not __consumer_offsets: the same transaction hangs in a topic of ours
        aborted.computeIfAbsent(tp.topic(), t -> new HashSet<>()).add(tp.partition());
      }
    }
    if (aborted.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      for (Map.Entry<String, Set<Integer>> e : aborted.entrySet()) {
        int partitions = TopicReader.partitions(c, e.getKey(), READ_BACK).size();
        known.stream().filter(pkg -> e.getValue().contains(KafkaClients.partitionOf(pkg, partitions)))
            .forEach(out::add);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not map the partitions of an aborted hanging transaction {} to packages ({}): the state of "
          + "every package is read back", aborted, e.toString());
      return Set.copyOf(known);
    }
    return out;
  }

  /**
   * The package's state as committed now (null if none), read from its poller-state partition
   * only, without settling this producer's transactions: how a sharded poller sees what another
   * instance published (the reference). Blocking.
   */
  public byte[] committedStateOfOther(String pkg) {
    return PollerStateStore.committedOf(clients, topics.pollerState(), pkg, READ_BACK);
  }

  /** Whether {@code batch} of {@code pkg} is the latest committed state (read after the producer settled it). */
  private boolean landed(String pkg, String batch) {
    producer.open();
    return PollerStateStore.latestOf(clients, topics.pollerState(), pkg, READ_BACK)
        .map(r -> r.headers().lastHeader(BATCH_HEADER))
        .map(h -> batch.equals(new String(h.value(), StandardCharsets.UTF_8)))
        .orElse(false);
  }

  private List<ProducerRecord<String, byte[]>> records(String pkg, List<DownloadObservation> downloads,
      List<RecentObservation> recent, byte[] pollerState, String batch) {
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
    ProducerRecord<String, byte[]> state = new ProducerRecord<>(topics.pollerState(), pkg, pollerState);
    state.headers().add(BATCH_HEADER, batch.getBytes(StandardCharsets.UTF_8));
    out.add(state);
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

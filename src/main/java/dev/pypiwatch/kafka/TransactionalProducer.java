package dev.pypiwatch.kafka;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transactional producer (the poller's, the rule stage's and the notifier's): commits records,
 * with consumed offsets for a consume-transform-produce loop, aborts, and replaces itself when
 * fenced, broken or after a commit whose outcome is unknown. Not thread-safe; blocking.
 *
 * <p>After {@link #abortAfter} the producer is either new (its {@code initTransactions} has settled
 * any transaction left open or half-committed) or absent, in which case the next call creates it.
 *
 * <p>A replacement may abort a transaction whose commit returned normally (the broker lost its
 * markers: {@link HangingTransactions}); {@link #takeAborted()} tells the owner where, so that it
 * reads back what is committed there instead of trusting what it remembers.
 */
public final class TransactionalProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);

  // Right after initTransactions the coordinator answers at once; a broker gone again is logged.
  private static final Duration HANGING_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaClients clients;
  private final String transactionalId;
  private final List<String> writes;
  /** Null after a replacement failed (Kafka unreachable): {@link #open()} tries again. */
  private KafkaProducer<String, byte[]> producer;
  private boolean inTransaction;
  /** Where replacements aborted a hanging transaction, until {@link #takeAborted()}. */
  private final Set<TopicPartition> aborted = new LinkedHashSet<>();

  /**
   * Creates the producer of {@code transactionalId}, which writes to the topics {@code writes}:
   * initializing its transactions settles an earlier one of the same id, and a transaction of
   * it that the broker left open in one of those topics is aborted ({@link HangingTransactions}).
   */
  public TransactionalProducer(KafkaClients clients, String transactionalId, List<String> writes) {
    this.clients = clients;
    this.transactionalId = transactionalId;
    this.writes = List.copyOf(writes);
    this.producer = newProducer();
    aborted.clear(); // the first producer's: its creator reads what it needs after creating it
  }

  /**
   * Creates the producer if a replacement failed before. Once this returns, every earlier
   * transaction of this id is settled (committed or aborted), so a {@code read_committed} read
   * shows its outcome.
   */
  public void open() {
    if (producer == null) {
      producer = newProducer();
    }
  }

  /**
   * The partitions (of the topics written, and {@code __consumer_offsets}) where replacements of
   * the producer since the last call aborted a transaction the broker had left open without
   * markers; then forgets them. Such a transaction may be one whose {@link #commit} returned
   * normally: its records and offsets are gone, and must be read back and sent again. Not the
   * first producer's: its creator reads what it needs after creating it.
   */
  public List<TopicPartition> takeAborted() {
    List<TopicPartition> out = List.copyOf(aborted);
    aborted.clear();
    return out;
  }

  /** Sends {@code records} and commits them in one transaction (a producer that consumes nothing). */
  public void commit(List<ProducerRecord<String, byte[]>> records) {
    commit(records, Map.of(), null);
  }

  /**
   * Sends {@code records} and commits them with {@code offsets} (of {@code group}'s consumer; none
   * if empty) in one transaction.
   */
  public void commit(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group) {
    open();
    producer.beginTransaction();
    inTransaction = true;
    for (ProducerRecord<String, byte[]> r : records) {
      producer.send(r); // a failed send makes the commit throw
    }
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, group);
    }
    try {
      producer.commitTransaction();
    } catch (RuntimeException e) {
      // The commit request may have reached the coordinator: Kafka allows only a retry of the
      // commit or a new producer now, and the caller must not assume either outcome.
      throw new CommitOutcomeUnknownException(transactionalId, e);
    }
    inTransaction = false;
  }

  /**
   * After {@code cause}: a fenced producer, or one whose commit's outcome is unknown, is replaced
   * (never throws: a failed replacement is retried by the next call); an open transaction is
   * aborted. True if one was open.
   */
  public boolean abortAfter(Throwable cause) {
    if (isFenced(cause)) {
      LOG.error("producer {} fenced: is another instance using the same transactional id?", transactionalId);
      recreate();
      return true;
    }
    if (hasCause(cause, CommitOutcomeUnknownException.class)) {
      LOG.warn("the outcome of a commit of {} is unknown; a new producer settles it", transactionalId);
      recreate();
      return true;
    }
    return abortQuietly();
  }

  /** Aborts the open transaction, if any (replacing the producer if even that fails). True if one was open. */
  public boolean abortQuietly() {
    if (!inTransaction) {
      return false;
    }
    try {
      inTransaction = false;
      if (producer == null) {
        return true; // nothing to abort on: the next producer's initTransactions aborts it
      }
      producer.abortTransaction();
    } catch (RuntimeException e) {
      // Fatal or timed-out: a new producer (initTransactions) resolves the open transaction.
      LOG.warn("aborting the transaction of {} failed ({}); recreating the producer", transactionalId, e.toString());
      recreate();
    }
    return true;
  }

  /**
   * True if a transaction that failed with {@code e} may be tried again (after {@link
   * #abortAfter}): a time-out or transient broker error anywhere in the cause chain, an abortable
   * transaction, fencing (the producer is replaced), or a commit of unknown outcome (the caller
   * first finds out whether it went through).
   */
  public static boolean isRetriable(Throwable e) {
    return hasCause(e, RetriableException.class) || hasCause(e, TransactionAbortableException.class)
        || isFenced(e) || hasCause(e, CommitOutcomeUnknownException.class);
  }

  /** True if {@code e} says a commit may or may not have gone through. */
  public static boolean isOutcomeUnknown(Throwable e) {
    return hasCause(e, CommitOutcomeUnknownException.class);
  }

  private static boolean isFenced(Throwable e) {
    return hasCause(e, ApplicationRecoverableException.class);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private KafkaProducer<String, byte[]> newProducer() {
    KafkaProducer<String, byte[]> p = clients.newTransactionalProducer(transactionalId);
    HangingTransactions.abort(clients, transactionalId, writes, HANGING_LOOKUP_TIMEOUT)
        .forEach(spec -> aborted.add(spec.topicPartition()));
    return p;
  }

  private void recreate() {
    inTransaction = false;
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
    try {
      producer = newProducer();
    } catch (RuntimeException e) {
      LOG.warn("could not replace the producer of {} ({}); the next attempt tries again", transactionalId, e.toString());
    }
  }

  /** Closes the producer, waiting up to 5 s for requests in flight. */
  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}

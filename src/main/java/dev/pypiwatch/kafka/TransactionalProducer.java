package dev.pypiwatch.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The transactional producer of a consume-transform-produce stream (the rule
 * stage's and the notifier's loops): commits records together with consumed offsets, aborts, and
 * replaces itself when fenced or broken. Not thread-safe; blocking.
 */
public final class TransactionalProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);

  private final KafkaClients clients;
  private final String transactionalId;
  private KafkaProducer<String, byte[]> producer;
  private boolean inTransaction;

  /** Creates the producer; initializing its transactions aborts an open one of the same id. */
  public TransactionalProducer(KafkaClients clients, String transactionalId) {
    this.clients = clients;
    this.transactionalId = transactionalId;
    this.producer = newProducer();
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
    producer.beginTransaction();
    inTransaction = true;
    for (ProducerRecord<String, byte[]> r : records) {
      producer.send(r); // a failed send makes the commit throw
    }
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, group);
    }
    producer.commitTransaction();
    inTransaction = false;
  }

  /** After {@code cause}: a fenced producer is replaced, an open transaction aborted. True if one was open. */
  public boolean abortAfter(Throwable cause) {
    if (isFenced(cause)) {
      LOG.error("producer {} fenced: is another instance using the same transactional id?", transactionalId);
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
   * transaction, or fencing (the producer is replaced).
   */
  public static boolean isRetriable(Throwable e) {
    return hasCause(e, RetriableException.class) || hasCause(e, TransactionAbortableException.class)
        || isFenced(e);
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
    return clients.newTransactionalProducer(transactionalId);
  }

  private void recreate() {
    inTransaction = false;
    producer.close(Duration.ZERO);
    producer = newProducer();
  }

  /** Closes the producer, waiting up to 5 s for requests in flight. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

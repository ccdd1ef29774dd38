package dev.pypiwatch.kafka;

import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every stage's consume-transform-produce loop shares (the rule stage's and the
 * notifier's): one thread polls a consumer group's topic and hands each batch to {@link #step};
 * a failed step aborts the transaction and {@link #rebuild}s the stage's state from what the group
 * committed (retried until it works or {@link #stop()}); every assignment rebuilds too. The stage
 * decides what a step does and what is committed with which offsets. Its {@link #readiness()} says
 * whether it owns its partitions, has rebuilt and has read to the end found at assignment.
 *
 * <p>A subclass creates {@link #consumer} and {@link #producer} in {@link #open()}. One thread runs
 * {@link #run()}; {@link #stop()} may be called from any thread.
 */
public abstract class TransactionalLoop implements StreamVerticle.Loop {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalLoop.class);
  /** How long a blocking Kafka call of a loop (partitions, offsets, a rebuild's reads) may take. */
  protected static final Duration TIMEOUT = Duration.ofMinutes(2);
  /** A rebuild that failed (Kafka unreachable, say) is tried again every second, for as long as it takes. */
  private static final RetryPolicy REBUILD = RetryPolicy.forever(Duration.ofSeconds(1));

  private final String name;
  private final String stateName;
  private final Duration poll;
  private final StageReadiness readiness;
  private volatile boolean running = true;
  /** The group's consumer; created by {@link #open()}. */
  protected KafkaConsumer<String, byte[]> consumer;
  /** The producer of the stage's transactions; created by {@link #open()}. */
  protected TransactionalProducer producer;

  /**
   * @param name the loop in logs, e.g. {@code "alert stream"}
   * @param stage the stage in {@code /ready}, e.g. {@code "rules"}
   * @param stateName what a rebuild restores, in logs, e.g. {@code "rule"}
   * @param poll how long one poll may wait for records
   */
  protected TransactionalLoop(String name, String stage, String stateName, Duration poll) {
    this.name = Objects.requireNonNull(name, "name");
    this.readiness = new StageReadiness(stage);
    this.stateName = Objects.requireNonNull(stateName, "stateName");
    this.poll = Objects.requireNonNull(poll, "poll");
  }

  /** Whether the stage is current (its partitions owned, rebuilt and read to the end found at assignment). */
  public final StageReadiness readiness() {
    return readiness;
  }

  /** The topic the group consumes. */
  protected abstract String topic();

  /** How long the next poll may wait for records: by default the constructor's {@code poll}. */
  protected Duration pollTimeout() {
    return poll;
  }

  /** Handles one poll's records and commits what the stage commits; throws to have the loop recover. */
  protected abstract void step(Iterable<ConsumerRecord<String, byte[]>> records);

  /** Resets the stage's state to what the group committed for {@code assigned} and seeks there. */
  protected abstract void rebuild(Collection<TopicPartition> assigned);

  /** Before {@code revoked} leave this instance (a rebalance); the loop's thread. */
  protected abstract void revoked(Collection<TopicPartition> revoked);

  /** {@code lost} are no longer this instance's, without a chance to commit; by default as {@link #revoked}. */
  protected void lost(Collection<TopicPartition> lost) {
    revoked(lost);
  }

  /** After a failed step, whether the abort found an open transaction (for the stage's metrics). */
  protected void aborted(boolean wasOpen) {}

  /** On a wake-up (a stop request) inside a step. */
  protected void woken() {}

  /** After the loop ended normally, before the clients close. */
  protected void finish() {}

  /** Closes the clients (any may be null if {@link #open()} failed half-way). */
  protected abstract void close();

  /** Identifies the instance in the stop log line, e.g. its group and transactional id. */
  protected abstract String describe();

  /** True until {@link #stop()}. */
  protected final boolean running() {
    return running;
  }

  /** Runs the loop until {@link #stop()}, then closes the clients. Blocking; call {@link #open()} first. */
  @Override
  public final void run() {
    try {
      consumer.subscribe(List.of(topic()), new Rebalance());
      readiness.joining(consumer.partitionsFor(topic(), TIMEOUT).size(), consumer.groupMetadata().groupId());
      while (running) {
        try {
          step(consumer.poll(pollTimeout()));
          readiness.progress(consumer::position);
        } catch (WakeupException e) {
          woken();
        } catch (RuntimeException e) {
          if (running) {
            recover(e);
          }
        }
      }
      finish();
    } finally {
      close();
      LOG.info("{} stopped [{}]", name, describe());
    }
  }

  /** Asks the loop to finish after its current step. */
  @Override
  public final void stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /**
   * Sleeps {@code d} on the loop's thread; an interrupt stops the loop.
   */
  protected final void pause(Duration d) {
    if (!RetryPolicy.pause(d)) {
      running = false;
    }
  }

  /**
   * The value of {@code r} decoded, or null after a warning naming the record: a record that does
   * not decode is skipped (retrying it would stop the loop for good), and counted by the caller.
   */
  protected static <T> T decodeOrSkip(ConsumerRecord<String, byte[]> r, Function<byte[], T> decoder, String what) {
    return readOrSkip(r, x -> decoder.apply(x.value()), what);
  }

  /** {@link #decodeOrSkip} for a reader of the whole record (its headers too). */
  protected static <T> T readOrSkip(ConsumerRecord<String, byte[]> r,
      Function<ConsumerRecord<String, byte[]>, T> reader, String what) {
    try {
      return reader.apply(r);
    } catch (RuntimeException e) {
      LOG.warn("undecodable {} skipped [topic: {}, partition: {}, offset: {}, key: {}]: {}", what, r.topic(),
          r.partition(), r.offset(), r.key(), e.getMessage());
      return null;
    }
  }

  /** After a failed step: abort, then rebuild from the committed offsets (retried until it works or stop). */
  private void recover(RuntimeException cause) {
    LOG.warn("{} step failed, rewinding to the committed offsets: {}", name, cause.toString());
    aborted(producer.abortAfter(cause));
    for (int attempt = 1; running; attempt++) {
      try {
        rebuildAssignment();
        return;
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        Duration wait = REBUILD.backoff(attempt);
        LOG.warn("rebuilding the {} state failed, retrying in {} ms: {}", stateName, wait.toMillis(), e.toString());
        pause(wait);
      }
    }
  }

  /**
   * Rebuilds the state of the whole assignment; the stage is current again once it has read to
   * the end offsets found before the rebuild.
   */
  private void rebuildAssignment() {
    // A replacement that failed is made first, so that everything the rebuild reads (the group's
    // offsets included, which wait for a transaction left open) is read after the producer settled
    // its transactions and aborted any the broker left without markers: a step aborted after its
    // commit had returned has its offsets go back with it, and is done again from there.
    producer.open();
    producer.takeAborted(); // what they held is read from the committed state below, not remembered
    Set<TopicPartition> assigned = Set.copyOf(consumer.assignment());
    readiness.rebuilding(assigned.size());
    Map<TopicPartition, Long> end = assigned.isEmpty() ? Map.of() : consumer.endOffsets(assigned, TIMEOUT);
    rebuild(assigned);
    readiness.replaying(end, consumer::position);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      readiness.rebalancing();
      revoked(partitions);
      LOG.info("partitions revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      readiness.rebalancing();
      lost(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
      // The whole assignment (not only the added partitions, with a cooperative assignor) is rebuilt.
      rebuildAssignment();
    }
  }
}

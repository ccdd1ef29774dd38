package dev.pypiwatch.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts the transactions of one transactional id that the broker left open in a
 * partition without any marker (a "hanging" transaction, KIP-664).
 *
 * <p>Why: a broker killed while a commit was prepared may, when it starts again, complete that
 * commit without writing its markers (its transaction coordinator finds no leader for the
 * partitions yet and takes them for deleted). The records then stay invisible to
 * {@code read_committed} readers, hold every later record of the partition back (the last stable
 * offset stops there), and are committed by whichever marker this producer writes there next: a
 * poller that restored its state without them publishes them again, and that marker commits both
 * copies. The crash loop found this twice in 50 kills of the service with its embedded broker.
 *
 * <p>Run right after {@code initTransactions}: the coordinator has then settled every earlier
 * transaction of the id, so an open transaction of this producer id with an older epoch in some
 * partition can only be one whose markers were lost. Aborting it in every partition where it hangs
 * keeps it atomic (the partitions of one commit are skipped together: all of a producer's topics
 * are known to the broker, or none yet), and the state read next does not contain it, so its
 * records are sent again, once.
 *
 * <p>The same transaction may also hold an offset commit (a consumer group's offsets sent to the
 * transaction) in {@code __consumer_offsets}: left there, it makes every offset fetch of that
 * group wait forever (a sharded poller restarted after such a crash waited for its partitions'
 * previous owner, itself, in the crash loop). The group offsets topic is therefore searched too,
 * apart, so that a client without the rights to describe it still aborts in its own topics.
 */
public final class HangingTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
  /** Kafka's group offsets topic, where a transaction's offset commits wait for its marker. */
  static final String GROUP_OFFSETS = "__consumer_offsets";

  private HangingTransactions() {}

  /**
   * The open transactions of {@code producerId} older than {@code currentEpoch} among
   * {@code states}, as abort requests. An open transaction of the current epoch (none right after
   * {@code initTransactions}) is left alone.
   */
  static List<AbortTransactionSpec> hanging(long producerId, int currentEpoch,
      Map<TopicPartition, PartitionProducerState> states) {
    List<AbortTransactionSpec> out = new ArrayList<>();
    states.forEach((tp, state) -> {
      for (ProducerState p : state.activeProducers()) {
        if (p.producerId() == producerId && p.producerEpoch() < currentEpoch
            && p.currentTransactionStartOffset().isPresent()) {
          out.add(new AbortTransactionSpec(tp, producerId, (short) p.producerEpoch(), p.coordinatorEpoch().orElse(-1)));
        }
      }
    });
    out.sort((a, b) -> a.topicPartition().toString().compareTo(b.topicPartition().toString()));
    return out;
  }

  /** Aborts the open transactions of {@code producerId} older than {@code currentEpoch} in the partitions of {@code topics}. */
  static List<AbortTransactionSpec> abortOlderThan(Admin admin, long producerId, int currentEpoch, Collection<String> topics,
      Duration timeout) throws Exception {
    long ms = timeout.toMillis();
    List<TopicPartition> partitions = new ArrayList<>();
    admin.describeTopics(topics).allTopicNames().get(ms, TimeUnit.MILLISECONDS).values().forEach(d ->
        d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
    Map<TopicPartition, PartitionProducerState> states =
        admin.describeProducers(partitions).all().get(ms, TimeUnit.MILLISECONDS);
    List<AbortTransactionSpec> hanging = hanging(producerId, currentEpoch, states);
    for (AbortTransactionSpec spec : hanging) {
      admin.abortTransaction(spec).all().get(ms, TimeUnit.MILLISECONDS);
    }
    return hanging;
  }

  /**
   * Aborts the hanging transactions of {@code transactionalId} in the partitions of
   * {@code topics}; returns what it aborted. Never throws: a look-up that fails (the broker gone
   * again) is logged, and the next producer of the id looks again.
   */
  public static List<AbortTransactionSpec> abort(KafkaClients clients, String transactionalId,
      Collection<String> topics, Duration timeout) {
    if (topics.isEmpty()) {
      return List.of();
    }
    long ms = timeout.toMillis();
    try (Admin admin = clients.newAdmin()) {
      TransactionDescription own = admin.describeTransactions(List.of(transactionalId))
          .description(transactionalId).get(ms, TimeUnit.MILLISECONDS);
      if (own.state() != TransactionState.EMPTY && own.state() != TransactionState.COMPLETE_COMMIT
          && own.state() != TransactionState.COMPLETE_ABORT) {
        return List.of(); // not settled yet: not the moment to judge the partitions
      }
      List<AbortTransactionSpec> hanging = new ArrayList<>(
          abortOlderThan(admin, own.producerId(), own.producerEpoch(), topics, timeout));
      try {
        // A broker no group ever committed to has no such topic yet (a first start): nothing can hang there.
        if (admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(ms, TimeUnit.MILLISECONDS)
            .contains(GROUP_OFFSETS)) {
          hanging.addAll(abortOlderThan(admin, own.producerId(), own.producerEpoch(), List.of(GROUP_OFFSETS), timeout));
        }
      } catch (ExecutionException e) {
        LOG.warn("could not look for hanging offset commits of {} in {} ({}); a consumer group whose offsets "
            + "it committed may wait for them: `kafka-transactions.sh find-hanging` shows them", transactionalId,
            GROUP_OFFSETS, e.getCause().toString());
      }
      if (!hanging.isEmpty()) {
        LOG.warn("aborted a transaction the broker left open without markers (a crash or a stall around its "
            + "commit): its records are not committed and will be sent again [transactional id: {}, "
            + "producer id: {}, epoch: {}, partitions: {}]", transactionalId, own.producerId(),
            hanging.get(0).producerEpoch(), hanging.stream().map(AbortTransactionSpec::topicPartition).toList());
      }
      return hanging;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (Exception e) {
      LOG.warn("could not look for hanging transactions of {} ({}); the next producer of this id looks again",
          transactionalId, e.toString());
      return List.of();
    }
  }
}

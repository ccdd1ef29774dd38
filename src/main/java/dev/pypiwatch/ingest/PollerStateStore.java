package dev.pypiwatch.ingest;

import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the poller's state snapshots back from the compacted poller-state topic, e.g. at start-up. */
public final class PollerStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(PollerStateStore.class);

  private PollerStateStore() {}

  /**
   * The latest committed snapshot per package: reads {@code topic} from the beginning up to its end
   * offsets as of the call ({@code read_committed}; tombstones remove a package). Blocking.
   *
   * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
   */
  public static Map<String, byte[]> readLatest(KafkaClients clients, String topic, Duration timeout) {
    Map<String, byte[]> latest = new HashMap<>();
    TopicReader.readToEnd(clients, topic, timeout, r -> apply(latest, r));
    LOG.info("Read poller state of {} packages from {}", latest.size(), topic);
    return latest;
  }

  /**
   * The latest committed record of {@code pkg} in {@code topic} (a tombstone included), or empty if
   * it has none: reads the whole topic, so only for the rare commit whose outcome was unknown. Blocking.
   *
   * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
   */
  public static Optional<ConsumerRecord<String, byte[]>> latestOf(KafkaClients clients, String topic, String pkg,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> latest = new ArrayList<>(1);
    TopicReader.readToEnd(clients, topic, timeout, r -> {
      if (pkg.equals(r.key())) {
        latest.clear();
        latest.add(r);
      }
    });
    return latest.stream().findFirst();
  }

  /**
   * The latest committed state of {@code pkg} (null if none), read from its partition of {@code
   * topic} only (the default partitioner's): cheap enough to ask every cycle. Blocking.
   *
   * @throws IllegalStateException if the partition's end is not reached within {@code timeout}
   */
  public static byte[] committedOf(KafkaClients clients, String topic, String pkg, Duration timeout) {
    TopicPartition tp;
    long end;
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      int partitions = TopicReader.partitions(c, topic, timeout).size();
      if (partitions == 0) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      tp = new TopicPartition(topic, KafkaClients.partitionOf(pkg, partitions));
      end = c.endOffsets(List.of(tp), timeout).get(tp);
    }
    byte[][] latest = new byte[1][];
    TopicReader.readUpTo(clients, Map.of(tp, end), timeout, r -> {
      if (pkg.equals(r.key())) {
        latest[0] = r.value();
      }
    });
    return latest[0];
  }

  private static void apply(Map<String, byte[]> latest, ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      latest.remove(r.key());
    } else {
      latest.put(r.key(), r.value());
    }
  }
}

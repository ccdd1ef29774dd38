package dev.pypiwatch.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
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
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = clients.newConsumer(null)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("poller-state topic " + topic + " does not exist");
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      Map<String, byte[]> latest = new HashMap<>();
      while (!reachedEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("poller-state topic " + topic + " not read to its end within " + timeout,
              new TimeoutException());
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(latest, r);
        }
      }
      LOG.info("Read poller state of {} packages from {}", latest.size(), topic);
      return latest;
    }
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

  private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}

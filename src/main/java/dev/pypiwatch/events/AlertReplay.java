package dev.pypiwatch.events;

import dev.pypiwatch.rules.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads behind {@link AlertStream}'s state rebuild: the downloads already processed by the
 * group, and the last alert transition per fingerprint. Each read uses its own group-less,
 * {@code read_committed} consumer, so the stream's consumer stays in its group meanwhile. Blocking.
 */
final class AlertReplay {
  private static final Logger LOG = LoggerFactory.getLogger(AlertReplay.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private AlertReplay() {}

  /**
   * Feeds {@code sink} every decodable download of each partition from its beginning up to (not
   * including) the offset given for it; undecodable records are skipped (they were logged when
   * first consumed).
   *
   * @return the number of records read
   * @throws IllegalStateException if the offsets are not reached within {@code timeout}
   */
  static long downloads(KafkaClients clients, Map<TopicPartition, Long> upTo,
      Consumer<DownloadObservation> sink, Duration timeout) {
    Map<TopicPartition, Long> wanted = new HashMap<>(upTo);
    wanted.values().removeIf(o -> o <= 0);
    if (wanted.isEmpty()) {
      return 0;
    }
    long n = 0;
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      c.assign(wanted.keySet());
      c.seekToBeginning(wanted.keySet());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(c, wanted)) {
        checkDeadline(deadline, "downloads up to " + wanted, timeout);
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
          if (r.offset() < wanted.get(new TopicPartition(r.topic(), r.partition()))) {
            n++;
            decodeQuietly(r, sink);
          }
        }
      }
    }
    return n;
  }

  private static void decodeQuietly(ConsumerRecord<String, byte[]> r, Consumer<DownloadObservation> sink) {
    DownloadObservation o;
    try {
      o = EventCodec.decodeDownload(r.value());
    } catch (RuntimeException e) {
      LOG.debug("replay skips an undecodable record [partition: {}, offset: {}]", r.partition(), r.offset());
      return;
    }
    sink.accept(o);
  }

  /**
   * The last committed transition of each fingerprint in {@code topic} (read to its end as of the
   * call) whose package {@code owned} accepts; undecodable records are logged and skipped.
   */
  static Map<String, Alert> lastTransitions(KafkaClients clients, String topic, Predicate<String> owned,
      Duration timeout) {
    Map<String, Alert> last = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(c, end)) {
        checkDeadline(deadline, "the end of " + topic, timeout);
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
          try {
            Alert a = AlertCodec.decode(r.value());
            if (owned.test(a.packageName())) {
              last.put(a.fingerprint(), a);
            }
          } catch (RuntimeException e) {
            LOG.warn("undecodable alert skipped [topic: {}, partition: {}, offset: {}]: {}",
                r.topic(), r.partition(), r.offset(), e.getMessage());
          }
        }
      }
    }
    return last;
  }

  /** The partition the default partitioner gives a record keyed {@code pkg} (what the poller's producer does). */
  static int partitionOf(String pkg, int partitions) {
    return Utils.toPositive(Utils.murmur2(pkg.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> offsets) {
    for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void checkDeadline(long deadline, String what, Duration timeout) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException("could not read " + what + " within " + timeout);
    }
  }
}

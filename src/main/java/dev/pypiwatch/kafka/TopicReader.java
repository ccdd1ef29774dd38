package dev.pypiwatch.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from the beginning without a consumer group (read_committed): what start-up state
 * restores, the {@code consume} command and tests share. All methods block.
 */
public final class TopicReader {
  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  /**
   * How long a topic may be missing from the broker's answers right after its creation: brokers
   * apply a new topic to their metadata a moment after the controller created it.
   */
  private static final Duration TOPIC_APPEARS = Duration.ofSeconds(5);
  private static final long TOPIC_ASKED_AGAIN_MS = 50;

  private TopicReader() {}

  /**
   * The partitions of {@code topic} as {@code consumer} finds them; empty if the topic does not
   * exist. An empty answer is asked again for a few seconds (at most {@code timeout}) before it
   * counts: a topic created a moment ago (at a first start) is not in every broker's metadata yet.
   */
  public static List<PartitionInfo> partitions(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      String topic, Duration timeout) {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), TOPIC_APPEARS.toNanos());
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos != null && !infos.isEmpty()) {
        return infos;
      }
      if (System.nanoTime() >= deadline) {
        return List.of();
      }
      try {
        Thread.sleep(TOPIC_ASKED_AGAIN_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  /**
   * A {@linkplain KafkaClients#newReader reader} assigned to every partition of {@code topic},
   * positioned at the beginning; the caller closes it.
   *
   * @throws IllegalStateException if the topic does not exist
   */
  public static KafkaConsumer<String, byte[]> fromBeginning(KafkaClients clients, String topic,
      Duration timeout) {
    KafkaConsumer<String, byte[]> c = clients.newReader();
    try {
      List<PartitionInfo> infos = partitions(c, topic, timeout);
      if (infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Hands every record of {@code topic} below its end offsets as of the call to {@code each}, in
   * partition order.
   *
   * @throws IllegalStateException if the topic does not exist or the end is not reached within
   *     {@code timeout}
   */
  public static void readToEnd(KafkaClients clients, String topic, Duration timeout,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    try (KafkaConsumer<String, byte[]> c = fromBeginning(clients, topic, timeout)) {
      read(c, c.endOffsets(c.assignment(), timeout), topic, timeout, each);
    }
  }

  /**
   * Hands {@code each} the records of {@code c}'s assigned partitions from its positions up to its
   * end offsets as of the call, and leaves it exactly there: a long-lived consumer can be read to
   * its end again and again without losing a record.
   *
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  public static void readToEnd(KafkaConsumer<String, byte[]> c, Duration timeout,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<TopicPartition, Long> end = c.endOffsets(c.assignment(), timeout);
    read(c, end, "partitions " + end.keySet(), timeout, each);
    // A poll may have fetched past the end; those records were not handed over, so read them next time.
    end.forEach((tp, offset) -> {
      if (c.position(tp) > offset) {
        c.seek(tp, offset);
      }
    });
  }

  /**
   * Assigns {@code c} to the partitions whose offset in {@code from} is below the one in {@code
   * upTo}, and hands {@code each} their records from the one up to the other (a long-lived reader
   * that catches up partitions from where its caller has them, which may differ from where it
   * left them). An offset in {@code from} below the partition's start reads from its start.
   *
   * @throws IllegalStateException if {@code upTo} is not reached within {@code timeout}
   */
  public static void readRange(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> upTo, Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<TopicPartition, Long> wanted = new HashMap<>();
    from.forEach((tp, offset) -> {
      Long end = upTo.get(tp);
      if (end != null && offset < end) {
        wanted.put(tp, end);
      }
    });
    c.assign(wanted.keySet());
    if (wanted.isEmpty()) {
      return;
    }
    wanted.keySet().forEach(tp -> c.seek(tp, Math.max(0, from.get(tp))));
    read(c, wanted, "partitions " + wanted.keySet(), timeout, each);
  }

  /**
   * Hands every record of the given partitions below the given offsets to {@code each}; returns
   * how many. Partitions with an offset of 0 or less are skipped.
   *
   * @throws IllegalStateException if those offsets are not reached within {@code timeout}
   */
  public static long readUpTo(KafkaClients clients, Map<TopicPartition, Long> upTo,
      Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<TopicPartition, Long> wanted = new HashMap<>(upTo);
    wanted.values().removeIf(o -> o <= 0);
    if (wanted.isEmpty()) {
      return 0;
    }
    long[] n = new long[1];
    try (KafkaConsumer<String, byte[]> c = clients.newReader()) {
      c.assign(wanted.keySet());
      c.seekToBeginning(wanted.keySet());
      read(c, wanted, "offsets " + wanted, timeout, r -> {
        n[0]++;
        each.accept(r);
      });
    }
    return n[0];
  }

  private static void read(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end,
      String what, Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(c, end)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("could not read " + what + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
        // Records published after the call are not part of what was asked for.
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          each.accept(r);
        }
      }
    }
  }

  private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a re-read does with each record: hands {@code sink} its value decoded by {@code decoder},
   * or skips it when it does not decode (logged at debug: the stage that consumed it first logged
   * it as a warning).
   */
  public static <T> Consumer<ConsumerRecord<String, byte[]>> decodedQuietly(Function<byte[], T> decoder,
      Consumer<T> sink) {
    return readQuietly(r -> decoder.apply(r.value()), sink);
  }

  /** {@link #decodedQuietly} for a reader of the whole record (its headers too). */
  public static <T> Consumer<ConsumerRecord<String, byte[]>> readQuietly(
      Function<ConsumerRecord<String, byte[]>, T> reader, Consumer<T> sink) {
    return r -> {
      T value;
      try {
        value = reader.apply(r);
      } catch (RuntimeException e) {
        LOG.debug("reread skips an undecodable record [topic: {}, partition: {}, offset: {}]: {}", r.topic(),
            r.partition(), r.offset(), e.getMessage());
        return;
      }
      sink.accept(value);
    };
  }
}

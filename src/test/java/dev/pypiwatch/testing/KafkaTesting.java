package dev.pypiwatch.testing;

import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Test helpers around the embedded broker: unique topic names, configs, consuming a topic whole, and
 * waiting until transactions and consumer groups have reached a topic's end.
 *
 * <p>Why the waits: {@code commitTransaction()} returns once the coordinator has decided the commit;
 * it then writes the commit markers to each partition (and the group's offsets) asynchronously and
 * independently. Until a partition's marker is written, read_committed readers stop before the
 * transaction (its last stable offset lags its high watermark), even though the producer has
 * returned and the group's offsets of the same transaction may already be visible. On a loaded
 * machine that gap is long enough for a test to read a topic "too early".
 */
public final class KafkaTesting {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private KafkaTesting() {}

  /** A broker on a temporary directory, deleted on close; start once per test class. */
  public static EmbeddedKafka startBroker() {
    return EmbeddedKafka.startTemporary();
  }

  /** Topic names unique in this JVM, prefixed with {@code prefix}, with {@code partitions} partitions. */
  public static TopicsConfig uniqueTopics(String prefix, int partitions) {
    String p = prefix + "-" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    return new TopicsConfig(p + ".downloads", p + ".recent", p + ".poller-state", p + ".alerts", p + ".silences",
        p + ".rule-state", partitions, (short) 1);
  }

  /** A config of the embedded broker with the given topics and extra producer properties. */
  public static KafkaConfig config(TopicsConfig topics, Map<String, String> producer) {
    return new KafkaConfig("", Path.of("unused"), 0, topics, Map.of(), producer, Map.of());
  }

  /** Clients of {@code broker} for {@code config}. */
  public static KafkaClients clients(EmbeddedKafka broker, KafkaConfig config) {
    return new KafkaClients(config, broker.bootstrapServers());
  }

  /**
   * All records of {@code topic} from the beginning (read_committed), polling until {@code count}
   * records arrived or {@code deadline} passed; never sleeps a fixed time. Each event is checked
   * against its JSON Schema ({@link EventSchemas#assertValid}).
   */
  public static List<ConsumerRecord<String, byte[]>> consume(KafkaClients clients, String topic, int count,
      Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = TopicReader.fromBeginning(clients, topic, deadline)) {
      while (out.size() < count && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    out.forEach(EventSchemas::assertValid);
    return out;
  }

  /**
   * All committed records of {@code topic} up to its end: first waits (up to {@code deadline}) until
   * no transaction on it is waiting for its commit marker (see the class comment), then reads up to
   * the end offsets as of then. Exactly what was produced and committed, without a quiet period.
   * Each event is checked against its JSON Schema ({@link EventSchemas#assertValid}): this is where
   * the integration tests read what the service wrote.
   */
  public static List<ConsumerRecord<String, byte[]>> consumeToEnd(KafkaClients clients, String topic,
      Duration deadline) {
    awaitSettled(clients, topic, deadline);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    TopicReader.readToEnd(clients, topic, deadline, out::add);
    out.forEach(EventSchemas::assertValid);
    return out;
  }

  /**
   * Waits until every partition of {@code topic} is settled (its last stable offset equals its high
   * watermark: no transaction waits for its marker) and returns those end offsets.
   */
  public static Map<TopicPartition, Long> awaitSettled(KafkaClients clients, String topic, Duration deadline) {
    try (Admin admin = clients.newAdmin()) {
      return awaitSettled(admin, topic, deadline);
    }
  }

  /** {@link #awaitSettled(KafkaClients, String, Duration)} with an admin client of the caller's. */
  public static Map<TopicPartition, Long> awaitSettled(Admin admin, String topic, Duration deadline) {
    AtomicReference<Map<TopicPartition, Long>> stable = new AtomicReference<>();
    AtomicReference<Map<TopicPartition, Long>> high = new AtomicReference<>();
    Await.until(() -> {
      stable.set(endOffsets(admin, topic, IsolationLevel.READ_COMMITTED));
      high.set(endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED));
      return stable.get().equals(high.get());
    }, deadline, () -> topic + " not settled: last stable offsets " + stable + ", high watermarks " + high);
    return stable.get();
  }

  /**
   * Waits until consumer group {@code group} has committed the end of every non-empty partition of
   * {@code topic} (its settled end, so a transaction still being marked is not mistaken for the end).
   */
  public static void awaitCommittedToEnd(Admin admin, String group, String topic, Duration deadline) {
    Map<TopicPartition, Long> end = new HashMap<>();
    AtomicReference<Map<TopicPartition, Long>> committed = new AtomicReference<>(Map.of());
    Await.until(() -> {
      end.clear();
      end.putAll(awaitSettled(admin, topic, deadline));
      committed.set(committedOffsets(admin, group, topic));
      return end.entrySet().stream()
          .allMatch(e -> e.getValue() == 0 || committed.get().getOrDefault(e.getKey(), 0L) >= e.getValue());
    }, deadline, () -> "group " + group + " committed " + committed + ", end of " + topic + " " + end);
  }

  /** {@link #awaitCommittedToEnd(Admin, String, String, Duration)} with an admin client of its own. */
  public static void awaitCommittedToEnd(KafkaClients clients, String group, String topic, Duration deadline) {
    try (Admin admin = clients.newAdmin()) {
      awaitCommittedToEnd(admin, group, topic, deadline);
    }
  }

  /** The offsets group {@code group} has committed for the partitions of {@code topic} (none: absent). */
  public static Map<TopicPartition, Long> committedOffsets(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new HashMap<>();
      m.forEach((tp, o) -> {
        if (o != null && tp.topic().equals(topic)) {
          out.put(tp, o.offset());
        }
      });
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list the offsets of group " + group, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The end offset of every partition of {@code topic} as a reader of {@code isolation} sees it. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, IsolationLevel isolation) {
    try {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get()
          .forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list the end offsets of " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

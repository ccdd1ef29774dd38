package dev.pypiwatch.testing;

import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Test helpers around the embedded broker: unique topic names, configs, and consuming a topic whole. */
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
    return new TopicsConfig(p + ".downloads", p + ".recent", p + ".poller-state", p + ".alerts", partitions, (short) 1);
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
   * records arrived or {@code deadline} passed; never sleeps a fixed time.
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
    return out;
  }

  /**
   * All committed records of {@code topic} up to its end offsets as of the call (read_committed
   * consumers see the last stable offset): exactly what is there, without a quiet period.
   */
  public static List<ConsumerRecord<String, byte[]>> consumeToEnd(KafkaClients clients, String topic,
      Duration deadline) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    TopicReader.readToEnd(clients, topic, deadline, out::add);
    return out;
  }
}

package dev.pypiwatch.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A topic read the way a third party would: a plain {@code KafkaConsumer<String, CloudEvent>}
 * configured with the CloudEvents SDK's {@link CloudEventDeserializer}, nothing of pypiwatch's.
 */
public final class CloudEventsReader {
  private CloudEventsReader() {}

  /**
   * The first {@code count} committed records of {@code topic} from its beginning, as CloudEvents;
   * fails if they do not arrive within {@code deadline} or the SDK cannot read one.
   */
  public static List<ConsumerRecord<String, CloudEvent>> read(String bootstrapServers, String topic, int count,
      Duration deadline) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "cloudevents-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
    List<ConsumerRecord<String, CloudEvent>> out = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      while (out.size() < count && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    if (out.size() < count) {
      throw new AssertionError("read " + out.size() + " of " + count + " CloudEvents from " + topic + " within "
          + deadline);
    }
    return out;
  }
}

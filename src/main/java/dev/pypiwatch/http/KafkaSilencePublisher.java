package dev.pypiwatch.http;

import dev.pypiwatch.events.Silence;
import dev.pypiwatch.events.SilenceCodec;
import dev.pypiwatch.kafka.KafkaClients;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes the API's silences to the compacted silences topic (key = the silence's id) with an
 * idempotent producer ({@code acks=all}); {@link #publish} returns once the broker acknowledged.
 */
public final class KafkaSilencePublisher implements SilencePublisher, AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String topic;
  private final KafkaProducer<String, byte[]> producer;

  /** A publisher to {@code topic} of {@code clients}' cluster. */
  public KafkaSilencePublisher(KafkaClients clients, String topic) {
    this.topic = topic;
    this.producer = clients.newProducer(null);
  }

  @Override
  public void publish(Silence s) {
    try {
      producer.send(new ProducerRecord<>(topic, s.id(), SilenceCodec.encode(s))).get(TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka did not store it in " + topic + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not acknowledge it in " + topic + " within " + TIMEOUT.toSeconds()
          + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while storing it", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

package dev.pypiwatch.ingest;

import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

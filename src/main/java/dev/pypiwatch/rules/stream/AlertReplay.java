package dev.pypiwatch.rules.stream;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads behind {@link AlertStream}'s state rebuild: the downloads already processed by the
 * group, and the last alert transition per fingerprint. Each read uses its own group-less,
 * {@code read_committed} consumer, so the stream's consumer stays in its group meanwhile. Blocking.
 */
final class AlertReplay {
  private static final Logger LOG = LoggerFactory.getLogger(AlertReplay.class);

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
      Consumer<DownloadRecord> sink, Duration timeout) {
    return TopicReader.readUpTo(clients, upTo, timeout, TopicReader.readQuietly(CloudEventHeaders::downloadRecord, sink));
  }

  /**
   * The last committed transition of each fingerprint in {@code topic} (read to its end as of the
   * call) whose package {@code owned} accepts; undecodable records are logged and skipped.
   */
  static Map<String, Alert> lastTransitions(KafkaClients clients, String topic, Predicate<String> owned,
      Duration timeout) {
    Map<String, Alert> last = new HashMap<>();
    TopicReader.readToEnd(clients, topic, timeout, r -> {
      try {
        Alert a = AlertCodec.decode(r.value());
        if (owned.test(a.packageName())) {
          last.put(a.fingerprint(), a);
        }
      } catch (RuntimeException e) {
        LOG.warn("undecodable alert skipped [topic: {}, partition: {}, offset: {}]: {}",
            r.topic(), r.partition(), r.offset(), e.getMessage());
      }
    });
    return last;
  }
}

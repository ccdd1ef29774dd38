package dev.pypiwatch.config;

import dev.pypiwatch.kafka.KafkaConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds the {@code kafka:} section into a {@link KafkaConfig}; absent keys take the defaults. */
final class KafkaSection {
  static final String KEY = "kafka";

  private static final ValueType<Short> REPLICATION =
      new ValueType<>("an integer from 1 to 32767", s -> {
        int n = ValueType.POSITIVE_INT.parser().apply(s);
        if (n > Short.MAX_VALUE) {
          throw new IllegalArgumentException(ValueType.message("an integer from 1 to 32767", "'" + s + "'"));
        }
        return (short) n;
      });

  private static final ValueType<Boolean> RETENTION_CHECK =
      new ValueType<>("fail or warn", s -> switch (s) {
        case "fail" -> true;
        case "warn" -> false;
        default -> throw new IllegalArgumentException(ValueType.message("fail or warn", BindContext.quote(s)));
      });

  /** A Kafka id, or "" for the one the service derives. */
  private static final ValueType<String> INSTANCE_ID =
      new ValueType<>("a Kafka id (letters, digits, '.', '_', '-') or \"\"",
          s -> s.isEmpty() ? s : ValueType.KAFKA_ID.parser().apply(s));

  private KafkaSection() {}

  static KafkaConfig bind(MappingReader m) {
    KafkaConfig d = KafkaConfig.DEFAULTS;
    String servers = m.get("bootstrap-servers", ValueType.STRING, d.bootstrapServers());
    Path dataDir = m.get("embedded-data-dir", ValueType.STRING, d.embeddedDataDir().toString()).transform(Path::of);
    int port = m.get("embedded-port", ValueType.PORT, d.embeddedPort());
    KafkaConfig.TopicsConfig topics = m.section("topics", KafkaSection::bindTopics);
    Map<String, String> properties = properties(m, "properties");
    Map<String, String> producer = properties(m, "producer");
    Map<String, String> consumer = properties(m, "consumer");
    String instanceId = m.get("instance-id", INSTANCE_ID, d.instanceId());
    return new KafkaConfig(servers.trim(), dataDir, port, topics, properties, producer, consumer, instanceId);
  }

  private static KafkaConfig.TopicsConfig bindTopics(MappingReader m) {
    KafkaConfig.TopicsConfig d = KafkaConfig.TopicsConfig.DEFAULTS;
    return new KafkaConfig.TopicsConfig(
        m.get("downloads", ValueType.KAFKA_TOPIC, d.downloads()),
        m.get("recent", ValueType.KAFKA_TOPIC, d.recent()),
        m.get("poller-state", ValueType.KAFKA_TOPIC, d.pollerState()),
        m.get("alerts", ValueType.KAFKA_TOPIC, d.alerts()),
        m.get("silences", ValueType.KAFKA_TOPIC, d.silences()),
        m.get("rule-state", ValueType.KAFKA_TOPIC, d.ruleState()),
        m.get("partitions", ValueType.POSITIVE_INT, d.partitions()),
        m.get("replication-factor", REPLICATION, d.replicationFactor()),
        m.get("downloads-retention", ValueType.duration(false), d.downloadsRetention()),
        m.get("retention-check", RETENTION_CHECK, d.failOnShortRetention()));
  }

  // Client properties pass through to Kafka unchecked: their names are Kafka's, not ours.
  private static Map<String, String> properties(MappingReader m, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    Node node = m.node(key).orElse(null);
    if (node == null) {
      return out;
    }
    if (!(node instanceof MappingNode mapping)) {
      m.error(key, "expected a mapping of Kafka client properties, got " + BindContext.describe(node));
      return out;
    }
    String path = m.childPath(key);
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
        // Values may hold credentials (sasl.jaas.config): read as secrets so no message shows them.
        m.context().scalar(v, path + "." + k.getValue(), ValueType.STRING, true)
            .ifPresent(value -> out.put(k.getValue(), value));
      } else {
        m.context().error(t.getKeyNode(), path, "expected 'property.name: value' pairs");
      }
    }
    return out;
  }
}

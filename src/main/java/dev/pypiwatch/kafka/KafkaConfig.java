package dev.pypiwatch.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where events go: an external Kafka cluster, or (when {@code bootstrapServers} is empty) a
 * single-node KRaft broker embedded in the process.
 *
 * @param bootstrapServers external cluster, e.g. {@code kafka:9092}; empty for the embedded broker
 * @param embeddedDataDir directory of the embedded broker's logs, kept across restarts
 * @param embeddedPort port the embedded broker listens on (0 picks a free one)
 * @param topics topic names and layout
 * @param properties extra client properties for producers and consumers (security.protocol, SASL, TLS)
 * @param producer extra producer-only properties
 * @param consumer extra consumer-only properties
 * @param instanceId this instance's {@code group.instance.id} in the consumer groups of the rule
 *     engine and the notifier (static membership: a restarted instance gets its partitions back at
 *     once instead of after the session timeout); empty for dynamic membership. Unique per instance
 *     in a group, and stable across its restarts.
 */
public record KafkaConfig(
    String bootstrapServers,
    Path embeddedDataDir,
    int embeddedPort,
    TopicsConfig topics,
    Map<String, String> properties,
    Map<String, String> producer,
    Map<String, String> consumer,
    String instanceId) {

  /**
   * The defaults: embedded broker on port 9092 with its data under {@code data/kafka}; no instance
   * id (the service derives one, see {@code docs/configuration.md}).
   */
  public static final KafkaConfig DEFAULTS =
      new KafkaConfig("", Path.of("data/kafka"), 9092, TopicsConfig.DEFAULTS, Map.of(), Map.of(), Map.of());

  /** A configuration without an instance id: dynamic group membership (tests, tools). */
  public KafkaConfig(String bootstrapServers, Path embeddedDataDir, int embeddedPort, TopicsConfig topics,
      Map<String, String> properties, Map<String, String> producer, Map<String, String> consumer) {
    this(bootstrapServers, embeddedDataDir, embeddedPort, topics, properties, producer, consumer, "");
  }

  private static final String INSTANCE_ID = "[A-Za-z0-9._-]{1,200}";

  public KafkaConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(embeddedDataDir, "embeddedDataDir");
    Objects.requireNonNull(topics, "topics");
    properties = Map.copyOf(properties);
    producer = Map.copyOf(producer);
    consumer = Map.copyOf(consumer);
    Objects.requireNonNull(instanceId, "instanceId");
    if (!instanceId.isEmpty() && !instanceId.matches(INSTANCE_ID)) {
      throw new IllegalArgumentException("instanceId must be letters, digits, '.', '_', '-' (at most 200): "
          + instanceId);
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException("embeddedPort out of range: " + embeddedPort);
    }
  }

  /** The same with {@code instanceId} as this instance's {@code group.instance.id}. */
  public KafkaConfig withInstanceId(String instanceId) {
    return new KafkaConfig(bootstrapServers, embeddedDataDir, embeddedPort, topics, properties, producer, consumer,
        instanceId);
  }

  /** The same with {@code consumer} as the consumer-only properties. */
  public KafkaConfig withConsumer(Map<String, String> consumer) {
    return new KafkaConfig(bootstrapServers, embeddedDataDir, embeddedPort, topics, properties, producer, consumer,
        instanceId);
  }

  /**
   * An instance id made of {@code name}: the characters Kafka does not allow in a {@code
   * group.instance.id} become {@code _}, at most 200 of them are kept.
   */
  public static String instanceIdOf(String name) {
    String id = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return id.length() > 200 ? id.substring(0, 200) : id;
  }

  /** True when no external cluster is configured and the embedded broker is to be started. */
  public boolean embedded() {
    return bootstrapServers.isBlank();
  }

  /**
   * Topic names, partitions and replication of the topics pypiwatch creates when missing, and the
   * retention the downloads topic is created with and checked against.
   *
   * @param alerts alert transitions of the rule engine, key = fingerprint (compacted)
   * @param silences the silences created through the API, key = silence id (compacted)
   * @param ruleState the rule stage's changelog, key = package (compacted, binary; internal)
   * @param downloadsRetention {@code retention.ms} of a downloads topic pypiwatch creates: the rule
   *     stage rebuilds its state from that topic, so it must cover the rules' look-back
   * @param failOnShortRetention at start, an existing topic that would expire what the rebuild
   *     needs stops the start ({@code true}) or is only logged as a warning
   */
  public record TopicsConfig(String downloads, String recent, String pollerState, String alerts,
      String silences, String ruleState, int partitions, short replicationFactor, Duration downloadsRetention,
      boolean failOnShortRetention) {

    /** The default {@link #downloadsRetention}: 200 days, the upstream's 180-day window and a margin. */
    public static final Duration DOWNLOADS_RETENTION = Duration.ofDays(200);

    /**
     * {@code pypistats.downloads}, {@code pypistats.recent}, {@code pypiwatch.poller-state},
     * {@code pypistats.alerts}, {@code pypistats.silences}, {@code pypiwatch.rule-state}; 6 partitions, replication 1; downloads
     * kept {@link #DOWNLOADS_RETENTION}; a too short retention fails the start.
     */
    public static final TopicsConfig DEFAULTS = new TopicsConfig("pypistats.downloads", "pypistats.recent",
        "pypiwatch.poller-state", "pypistats.alerts", "pypistats.silences", "pypiwatch.rule-state", 6, (short) 1);

    public TopicsConfig {
      Objects.requireNonNull(downloads, "downloads");
      Objects.requireNonNull(recent, "recent");
      Objects.requireNonNull(pollerState, "pollerState");
      Objects.requireNonNull(alerts, "alerts");
      Objects.requireNonNull(silences, "silences");
      Objects.requireNonNull(ruleState, "ruleState");
      Objects.requireNonNull(downloadsRetention, "downloadsRetention");
      if (partitions < 1 || replicationFactor < 1) {
        throw new IllegalArgumentException("partitions and replicationFactor must be >= 1");
      }
      if (downloadsRetention.toMillis() < 1) {
        throw new IllegalArgumentException("downloadsRetention must be at least 1 ms");
      }
    }

    /** The given names and layout with the default retention and check. */
    public TopicsConfig(String downloads, String recent, String pollerState, String alerts, String silences,
        String ruleState, int partitions, short replicationFactor) {
      this(downloads, recent, pollerState, alerts, silences, ruleState, partitions, replicationFactor, DOWNLOADS_RETENTION,
          true);
    }
  }
}

package dev.pypiwatch.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Builds the properties (and instances) of pypiwatch's Kafka producers, consumers and admin clients
 * from a {@link KafkaConfig}.
 *
 * <p>Layering, later wins: pypiwatch's defaults, then {@link KafkaConfig#properties()} (all clients),
 * then {@link KafkaConfig#producer()} / {@link KafkaConfig#consumer()}. Bootstrap servers,
 * (de)serializers, {@code transactional.id} and {@code group.id} are always set by pypiwatch, because
 * the code depends on them. Keys are Strings (the package), values are byte arrays.
 */
public final class KafkaClients {
  /** The longest a {@link #newReader reader}'s fetch waits at the broker for more data ({@code fetch.max.wait.ms}). */
  public static final Duration READER_FETCH_WAIT = Duration.ofMillis(10);
  /** A transactional producer's first retry backoff ({@code retry.backoff.ms}) unless {@code kafka.producer} sets one. */
  public static final Duration TRANSACTIONAL_RETRY_BACKOFF = Duration.ofMillis(10);

  private final KafkaConfig config;
  private final String bootstrapServers;
  // Where producers' and consumers' own metrics are bound while they are open; null: nowhere.
  private final MeterRegistry meters;

  /** Clients of the cluster at {@code bootstrapServers} (the embedded broker's, or the configured one). */
  public KafkaClients(KafkaConfig config, String bootstrapServers) {
    this(config, bootstrapServers, null);
  }

  private KafkaClients(KafkaConfig config, String bootstrapServers, MeterRegistry meters) {
    this.config = Objects.requireNonNull(config, "config");
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers is empty");
    }
    this.meters = meters;
  }

  /**
   * The same clients, whose producers and consumers also report Kafka's client metrics to
   * {@code meters} (Micrometer's {@link KafkaClientMetrics}) from creation until they are closed.
   */
  public KafkaClients measuredBy(MeterRegistry meters) {
    return new KafkaClients(config, bootstrapServers, Objects.requireNonNull(meters, "meters"));
  }

  /** Clients of the external cluster configured in {@code config}. */
  public static KafkaClients external(KafkaConfig config) {
    if (config.embedded()) {
      throw new IllegalArgumentException("no kafka.bootstrapServers configured; start EmbeddedKafka instead");
    }
    return new KafkaClients(config, config.bootstrapServers());
  }

  /** The configuration the clients are built from. */
  public KafkaConfig config() {
    return config;
  }

  /** The {@code bootstrap.servers} every client uses. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Idempotent producer properties ({@code acks=all}); transactional when {@code transactionalId} is not null. */
  public Properties producerProperties(String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactionalId != null) {
      // A transaction's first offsets of a group wait this long after finding the group's coordinator (the
      // client retries the request it held back): 100 ms by default, on the first commit of every stage's
      // producer. Backoffs still grow to retry.backoff.max.ms (1 s) on repeated errors.
      p.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, String.valueOf(TRANSACTIONAL_RETRY_BACKOFF.toMillis()));
    }
    p.putAll(config.properties());
    p.putAll(config.producer());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    } else {
      p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }
    return p;
  }

  /**
   * Consumer properties: {@code read_committed}, no auto-commit, {@code earliest} reset; in group
   * {@code groupId} when it is not null (null for consumers that {@code assign} partitions themselves),
   * as the static member {@link KafkaConfig#instanceId()} when that is set.
   */
  public Properties consumerProperties(String groupId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(config.properties());
    p.putAll(config.consumer());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      if (!config.instanceId().isEmpty()) {
        // A restart with the same id takes its partitions back at once, without waiting for the
        // session of its killed predecessor to expire (static membership, KIP-345).
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
      }
    } else {
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
      p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }
    return p;
  }

  /**
   * The properties of a {@link #newReader reader}: {@link #consumerProperties} without a group,
   * whose fetches wait at most {@link #READER_FETCH_WAIT} at the broker whatever {@code
   * kafka.consumer} says.
   */
  public Properties readerProperties() {
    Properties p = consumerProperties(null);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(READER_FETCH_WAIT.toMillis()));
    return p;
  }

  /**
   * Closes a group's consumer, waiting up to {@code timeout}, and leaves the group even as a static
   * member (which by default stays in it until its session times out): the others, or this
   * instance's next start, take the partitions over at once.
   */
  public static void closeLeavingGroup(KafkaConsumer<?, ?> consumer, Duration timeout) {
    consumer.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }

  /** Admin client properties: the shared {@link KafkaConfig#properties()} and the bootstrap servers. */
  public Properties adminProperties() {
    Properties p = new Properties();
    p.putAll(config.properties());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** A new producer of {@link #producerProperties}; the caller closes it (and calls initTransactions if transactional). */
  public KafkaProducer<String, byte[]> newProducer(String transactionalId) {
    if (meters == null) {
      return new KafkaProducer<>(producerProperties(transactionalId));
    }
    // Subclassed only to unbind its meters when it closes (close() ends in close(Duration)).
    return new KafkaProducer<>(producerProperties(transactionalId)) {
      private final KafkaClientMetrics bound = bind(new KafkaClientMetrics(this));

      @Override
      public void close(Duration timeout) {
        closing(() -> super.close(timeout), bound);
      }
    };
  }

  /**
   * A producer with {@code transactionalId} whose transactions are initialized (which fences an
   * older producer of the same id). Blocking.
   */
  public KafkaProducer<String, byte[]> newTransactionalProducer(String transactionalId) {
    KafkaProducer<String, byte[]> p = newProducer(transactionalId);
    try {
      p.initTransactions();
    } catch (RuntimeException e) {
      p.close(Duration.ZERO);
      throw e;
    }
    return p;
  }


  /** A new consumer of {@link #consumerProperties}; the caller closes it. */
  public KafkaConsumer<String, byte[]> newConsumer(String groupId) {
    return consumer(consumerProperties(groupId));
  }

  /**
   * A new group-less consumer for reading assigned partitions up to an end offset already known
   * ({@link TopicReader}): its fetches wait at the broker at most {@link #READER_FETCH_WAIT}. A
   * poll leaves a fetch in flight, which the broker holds back until something new is committed or
   * {@code fetch.max.wait.ms} passes (500 ms by default), and a broker answers a connection's
   * requests in order: the next read's end offsets waited behind it, on the path of every alert
   * through the rule stage (its reference reader) and the notifier (charts, firing set, silences).
   * docs/benchmarks.md, section 9. The caller closes it.
   */
  public KafkaConsumer<String, byte[]> newReader() {
    return consumer(readerProperties());
  }

  private KafkaConsumer<String, byte[]> consumer(Properties properties) {
    if (meters == null) {
      return new KafkaConsumer<>(properties);
    }
    // Subclassed only to unbind its meters when it closes, whichever close is called.
    return new KafkaConsumer<>(properties) {
      private final KafkaClientMetrics bound = bind(new KafkaClientMetrics(this));

      @Override
      public void close() {
        closing(super::close, bound);
      }

      @Override
      public void close(Duration timeout) {
        closing(() -> super.close(timeout), bound);
      }

      @Override
      public void close(CloseOptions option) {
        closing(() -> super.close(option), bound);
      }
    };
  }

  /** Runs {@code close}, then unbinds {@code bound}'s meters whatever happened. */
  private static void closing(Runnable close, KafkaClientMetrics bound) {
    try {
      close.run();
    } finally {
      bound.close();
    }
  }

  private KafkaClientMetrics bind(KafkaClientMetrics m) {
    m.bindTo(meters);
    return m;
  }

  /** A new admin client of {@link #adminProperties}; the caller closes it. */
  public Admin newAdmin() {
    return Admin.create(adminProperties());
  }

  /** The properties as a map, e.g. for logging; values of keys that look secret are masked. */
  public static Map<String, Object> masked(Properties p) {
    Map<String, Object> out = new TreeMap<>();
    p.forEach((k, v) -> out.put((String) k, isSecret((String) k) ? "******" : v));
    return out;
  }

  private static boolean isSecret(String key) {
    return key.contains("password") || key.contains("jaas") || key.endsWith(".key") || key.contains("secret");
  }

  /**
   * The partition Kafka's default partitioner gives a record keyed {@code key} in a topic of
   * {@code partitions} (what every pypiwatch producer does): which instance owns a package.
   */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /**
   * True if something accepts a TCP connection at one of {@code bootstrapServers}
   * ({@code host:port,...}) within {@code timeout}: a quick check, without a Kafka client's retries
   * and their warnings, that a broker can be there at all.
   */
  public static boolean reachable(String bootstrapServers, Duration timeout) {
    for (String server : bootstrapServers.split(",")) {
      String s = server.trim();
      int colon = s.lastIndexOf(':');
      if (colon <= 0) {
        continue;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))),
            (int) timeout.toMillis());
        return true;
      } catch (IOException | RuntimeException e) {
        // next one
      }
    }
    return false;
  }
}

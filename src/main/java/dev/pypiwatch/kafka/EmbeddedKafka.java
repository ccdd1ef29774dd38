package dev.pypiwatch.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (broker and controller in one process) whose data survives
 * restarts on the same directory.
 *
 * <p>{@link #start} and {@link #close} block (seconds); never call them on an event loop.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  /** How long the controller keeps a broker registration without heartbeats (Kafka's default: 9 s). */
  static final Duration BROKER_SESSION = Duration.ofSeconds(3);

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final int port;
  private final boolean deleteOnClose;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path dataDir, int port, boolean deleteOnClose) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = port;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts a broker keeping its data in {@code dataDir} (formatted on first use only) and listening
   * on {@code port} (0 picks a free one); returns once the broker answers. Blocking.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, false, null, Map.of());
  }

  /**
   * {@link #start(Path, int)} with broker settings of the caller's on top of the usual ones (a
   * test's {@code advertised.listeners} behind a proxy, say). Blocking.
   */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> brokerSettings) {
    return start(dataDir, port, false, null, brokerSettings);
  }

  /**
   * A node of a multi-node KRaft cluster: {@link #start(Path, int, Map)} whose storage, when
   * formatted on first use, gets {@code clusterId} (every node of a cluster needs the same one).
   * {@code brokerSettings} make it a member: {@code node.id}, {@code controller.quorum.voters},
   * {@code listeners}, the replication of the internal topics. Tests start three (ClusterIT).
   * Blocking; returns once this node answers, which needs a quorum of the controllers running.
   */
  public static EmbeddedKafka startNode(Path dataDir, int port, String clusterId, Map<String, String> brokerSettings) {
    return start(dataDir, port, false, Objects.requireNonNull(clusterId, "clusterId"), brokerSettings);
  }

  /** Starts a broker on a new temporary directory that {@link #close()} deletes; for tests and dry runs. Blocking. */
  public static EmbeddedKafka startTemporary() {
    return startTemporary(Map.of());
  }

  /**
   * {@link #startTemporary()} with broker settings of the caller's on top of the usual ones (a test's
   * short {@code log.retention.ms}, say). Blocking.
   */
  public static EmbeddedKafka startTemporary(Map<String, String> brokerSettings) {
    try {
      return start(Files.createTempDirectory("pypiwatch-kafka-"), 0, true, null, brokerSettings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
    }
  }

  private static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose, String clusterId,
      Map<String, String> settings) {
    Path dir = dataDir.toAbsolutePath();
    Ports last = Ports.read(dir);
    int brokerPort = port != 0 ? requireFree(port)
        : last != null && isFree(last.broker()) ? last.broker() : freePort();
    int controllerPort = last != null && last.controller() != brokerPort && isFree(last.controller())
        ? last.controller() : freePortOtherThan(brokerPort);
    if (last != null && (last.broker() != brokerPort || last.controller() != controllerPort)) {
      LOG.warn("the embedded broker in {} moves from ports {}/{} to {}/{} (taken or configured otherwise): a "
          + "transaction whose commit a crash interrupted may be left without its commit markers while the "
          + "broker still announces its old address; keep kafka.embedded-port fixed", dir, last.broker(),
          last.controller(), brokerPort, controllerPort);
    }
    if (!deleteOnClose) {
      new Ports(brokerPort, controllerPort).write(dir);
    }
    Properties props = brokerProperties(dir, brokerPort, controllerPort);
    props.putAll(settings);
    formatIfNeeded(dir, props, clusterId != null ? clusterId : Uuid.randomUuid().toString());
    long t0 = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    EmbeddedKafka kafka = new EmbeddedKafka(server, dir, brokerPort, deleteOnClose);
    try {
      server.startup();
      kafka.awaitReady();
    } catch (RuntimeException e) {
      kafka.close();
      throw new IllegalStateException("embedded Kafka on port " + brokerPort + " in " + dir + " did not start", e);
    }
    LOG.info("Embedded Kafka ready at {} (data in {}) in {} ms",
        kafka.bootstrapServers(), dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return kafka;
  }

  /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:9092}. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** The port the broker listens on. */
  public int port() {
    return port;
  }

  /** The directory holding the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits for it; keeps the data unless started by {@link #startTemporary()}. Blocking. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Embedded Kafka at {} stopped", bootstrapServers());
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    // Static quorum: the voter is known by id, so the controller port may change between restarts.
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", logDir(dir).toString());
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a kill -9 the controller (restarted with it) still holds the dead incarnation's
    // registration and refuses the new one until that session expires: 9 s by default, most of a
    // restart. Nothing can heartbeat for the dead broker of a one-node cluster, so a short session
    // costs nothing but a brief fencing if the process stalls longer than it.
    p.put("broker.session.timeout.ms", String.valueOf(BROKER_SESSION.toMillis()));
    p.put("broker.heartbeat.interval.ms", String.valueOf(BROKER_SESSION.toMillis() / 3));
    // The default 128 MB dedupe buffer would dominate the heap of a small process.
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    // One node: every internal topic has one replica; few partitions keep start-up and creation fast.
    for (String topic : new String[] {"offsets.topic", "transaction.state.log", "share.coordinator.state.topic"}) {
      p.put(topic + ".replication.factor", "1");
      p.put(topic + ".min.isr", "1");
    }
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    return p;
  }

  private static Path logDir(Path dir) {
    return dir.resolve("logs");
  }

  /** Formats the storage unless a previous run did, so topics and records survive a restart. */
  private static void formatIfNeeded(Path dir, Properties props, String clusterId) {
    if (Files.exists(logDir(dir).resolve("meta.properties"))) {
      LOG.info("Reusing formatted Kafka storage in {}", dir);
      return;
    }
    try {
      Files.createDirectories(dir);
      Path cfg = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(cfg)) {
        props.store(out, "written by pypiwatch for StorageTool format on first start; not read afterwards");
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      String[] args = {"format", "-t", clusterId, "-c", cfg.toString()};
      int rc;
      try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
        rc = StorageTool.execute(args, ps);
      }
      if (rc != 0) {
        throw new IllegalStateException("formatting Kafka storage in " + dir + " failed (" + rc + "): " + buf);
      }
      LOG.info("Formatted Kafka storage in {}", dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka storage in " + dir, e);
    }
  }

  private void awaitReady() {
    Map<String, Object> cfg = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "pypiwatch-embedded-ready");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(cfg)) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get().isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
        sleep(100);
      }
      throw new IllegalStateException("embedded Kafka not ready after " + READY_TIMEOUT, last);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
    }
  }

  /**
   * A free port that is none of {@code taken}: a port probed free and released (the broker's, not yet
   * bound) may be handed out again at once, and Kafka refuses two listeners on one port.
   */
  public static int freePortOtherThan(int... taken) {
    while (true) {
      int port = freePort();
      if (Arrays.stream(taken).noneMatch(t -> t == port)) {
        return port;
      }
    }
  }

  /** A port that was free a moment ago (the usual race is acceptable for a local broker). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("localhost", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The broker's and controller's ports of the last start on a data directory, kept there so that a
   * restart (after a crash above all) listens where the broker's registration in its own metadata
   * says it does. Kafka's transaction coordinator, loading a commit the crash interrupted, sends its
   * commit markers to the address in that registration: at a new address they were seen lost
   * (CrashLoopIT), leaving the transaction's records unmarked until the producer's next commit on
   * the same partition committed them along with it.
   */
  private record Ports(int broker, int controller) {
    private static final String FILE = "embedded-ports.properties";

    static Ports read(Path dir) {
      Path f = dir.resolve(FILE);
      if (!Files.exists(f)) {
        return null;
      }
      Properties p = new Properties();
      try (var in = Files.newInputStream(f)) {
        p.load(in);
        return new Ports(Integer.parseInt(p.getProperty("broker")), Integer.parseInt(p.getProperty("controller")));
      } catch (IOException | RuntimeException e) {
        LOG.warn("ignoring unreadable {} in {}: {}", FILE, dir, e.toString());
        return null;
      }
    }

    void write(Path dir) {
      Properties p = new Properties();
      p.setProperty("broker", Integer.toString(broker));
      p.setProperty("controller", Integer.toString(controller));
      try {
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve(FILE))) {
          p.store(out, "the embedded broker's ports, reused by the next start on this directory when free");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + FILE + " in " + dir, e);
      }
    }
  }

  /** Fails fast (before formatting and starting anything) when a fixed port is taken. */
  private static int requireFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("localhost", port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " for the embedded Kafka broker is in use "
          + "(another pypiwatch or Kafka running?); set kafka.embedded-port to another port or 0", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}

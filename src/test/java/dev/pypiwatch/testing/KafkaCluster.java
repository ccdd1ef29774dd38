package dev.pypiwatch.testing;

import dev.pypiwatch.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A multi-broker KRaft cluster on localhost for tests: {@code size} nodes, each a broker and a
 * controller in a JVM of its own ({@link BrokerProcess}), all of them voters of the controller
 * quorum, so one node can be killed ({@code kill -9}) and restarted on its port and data while the
 * others go on. Replicated as a production cluster is: topics created without a replication factor
 * get {@code size} replicas, {@code min.insync.replicas} is a majority (2 of 3), and so are the
 * consumer offsets and transaction state topics.
 */
public final class KafkaCluster implements AutoCloseable {
  /**
   * How long the controllers keep a broker without heartbeats before moving its partitions' leadership:
   * short, since a killed node's partitions are unwritable until then; not so short that a live
   * node starved of CPU on a loaded machine is fenced.
   */
  private static final Duration BROKER_SESSION = Duration.ofSeconds(6);

  private final List<BrokerProcess> nodes;
  private final List<Integer> ports;
  private final Duration startup;

  private KafkaCluster(List<BrokerProcess> nodes, List<Integer> ports, Duration startup) {
    this.nodes = nodes;
    this.ports = ports;
    this.startup = startup;
  }

  /**
   * Starts {@code size} nodes (data and logs under {@code dir/node-N}) together and returns once
   * every one answers. Blocking.
   */
  public static KafkaCluster start(Path dir, int size) {
    long t0 = System.nanoTime();
    List<Integer> brokerPorts = new ArrayList<>();
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      brokerPorts.add(EmbeddedKafka.freePort());
      controllerPorts.add(EmbeddedKafka.freePort());
    }
    String voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@localhost:" + controllerPorts.get(i))
        .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    int majority = size / 2 + 1;
    List<BrokerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.id", Integer.toString(i + 1));
        s.put("controller.quorum.voters", voters);
        s.put("listeners", "PLAINTEXT://localhost:" + brokerPorts.get(i) + ",CONTROLLER://localhost:"
            + controllerPorts.get(i));
        s.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPorts.get(i));
        s.put("default.replication.factor", Integer.toString(size));
        s.put("min.insync.replicas", Integer.toString(majority));
        for (String topic : List.of("offsets.topic", "transaction.state.log", "share.coordinator.state.topic")) {
          s.put(topic + ".replication.factor", Integer.toString(size));
          s.put(topic + ".min.isr", Integer.toString(majority));
        }
        s.put("broker.session.timeout.ms", Long.toString(BROKER_SESSION.toMillis()));
        s.put("broker.heartbeat.interval.ms", "1000");
        Path node = dir.resolve("node-" + (i + 1)).toAbsolutePath();
        nodes.add(BrokerProcess.launchNode(node.resolve("data"), brokerPorts.get(i), node, clusterId, s));
      }
      nodes.forEach(BrokerProcess::awaitStarted);
    } catch (RuntimeException | AssertionError e) {
      nodes.forEach(KafkaCluster::closeQuietly);
      throw e;
    }
    return new KafkaCluster(List.copyOf(nodes), List.copyOf(brokerPorts), Duration.ofNanos(System.nanoTime() - t0));
  }

  /** From the launch of the first node to every node answering. */
  public Duration startup() {
    return startup;
  }

  /** Every node's {@code localhost:PORT}, comma-separated: the {@code bootstrap.servers} of clients. */
  public String bootstrapServers() {
    return ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
  }

  /**
   * The {@code localhost:PORT} of the nodes running now: for a test's own clients after a kill, which
   * would otherwise spend seconds trying the dead node first.
   */
  public String liveBootstrapServers() {
    return IntStream.range(0, nodes.size()).filter(i -> nodes.get(i).isAlive())
        .mapToObj(i -> "localhost:" + ports.get(i)).collect(Collectors.joining(","));
  }

  /** The number of nodes. */
  public int size() {
    return nodes.size();
  }

  /** Node {@code i} (0-based; its {@code node.id} is {@code i + 1}). */
  public BrokerProcess node(int i) {
    return nodes.get(i);
  }

  /**
   * Kills every node that still runs: a test cluster's data is thrown away, and a clean stop would
   * hang in the last node's controlled shutdown, which needs a quorum that left before it.
   */
  @Override
  public void close() {
    nodes.forEach(BrokerProcess::kill);
  }

  private static void closeQuietly(BrokerProcess node) {
    try {
      node.close();
    } catch (Exception e) {
      System.err.println("closing a cluster node: " + e);
    }
  }
}

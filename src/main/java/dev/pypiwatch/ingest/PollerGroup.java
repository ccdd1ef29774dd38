package dev.pypiwatch.ingest;

import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This poller instance's member of the pollers' consumer group on the watchlist topic: the
 * packages of the partitions it owns are the ones it polls ({@link PackageOwnership}).
 *
 * <p>On an assignment, before any package of the new partitions is polled: it waits until no
 * transaction of the previous owner that committed offsets of those partitions is pending (a
 * {@code read_committed} consumer's offset fetch waits for them, KIP-447), then reads those
 * partitions' watchlist entries and the packages' committed poller state, so a day the previous
 * owner published is not published again and none is skipped. On a revocation it stops starting
 * publications of those packages and waits (at most {@link #REVOKE_WAIT}) for the one in flight.
 * Every transaction commits the offset of the package's watchlist partition with this member's
 * group metadata: a member whose generation is stale (paused while its packages moved) cannot
 * commit. The reference package is the package of its partition's owner.
 *
 * <p>{@link #start} runs it on a thread of its own; {@link #close()} may be called from any thread.
 */
public final class PollerGroup implements PackageOwnership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PollerGroup.class);
  /** How long a revocation waits for the publication in flight of a package that moves. */
  static final Duration REVOKE_WAIT = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration BARRIER_STEP = Duration.ofSeconds(5);

  /** What the group tells the poller. Called on the group's thread. */
  public interface Listener {
    /** {@code states} (committed in Kafka; {@link PollerState#EMPTY} for none) are to be owned next. */
    void adopted(Map<String, PollerState> states);

    /** The packages this instance owns now (sorted), after every change. */
    void owned(List<String> packages);
  }

  private final KafkaClients clients;
  private final String watchlistTopic;
  private final String pollerStateTopic;
  private final String referencePackage;
  private Listener listener;
  private Thread thread;
  private final KafkaConsumer<String, byte[]> consumer;
  private final int partitions;
  private final int statePartitions;
  private volatile boolean running = true;
  private volatile boolean abrupt;

  // Guarded by this: what the other threads (the poller's) ask about.
  private final Set<Integer> owned = new HashSet<>();
  private final Map<Integer, Map<String, WatchlistEntry>> entries = new HashMap<>();
  private final Map<Integer, Long> positions = new HashMap<>();
  private final Map<String, Integer> inFlight = new HashMap<>();
  private ConsumerGroupMetadata metadata;

  /**
   * A member of {@code groupId} on {@code watchlistTopic} (blocking: looks the topics up); it joins
   * at {@link #start}. {@code referencePackage} (empty: none) is owned with its partition.
   */
  public PollerGroup(KafkaClients clients, String groupId, String watchlistTopic, String pollerStateTopic,
      String referencePackage) {
    this.clients = clients;
    this.watchlistTopic = watchlistTopic;
    this.pollerStateTopic = pollerStateTopic;
    this.referencePackage = referencePackage.isEmpty() ? "" : PackageName.normalize(referencePackage);
    this.consumer = newConsumer(clients, groupId);
    try {
      this.partitions = existing(consumer, watchlistTopic);
      this.statePartitions = existing(consumer, pollerStateTopic);
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  /** The partitions of {@code topic}, which must exist (the service created it). */
  private static int existing(KafkaConsumer<String, byte[]> consumer, String topic) {
    int n = TopicReader.partitions(consumer, topic, TIMEOUT).size();
    if (n == 0) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return n;
  }

  private static KafkaConsumer<String, byte[]> newConsumer(KafkaClients clients, String groupId) {
    Map<String, String> extra = clients.config().consumer();
    if (!extra.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)
        && !"consumer".equalsIgnoreCase(extra.getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic"))) {
      // Cooperative: a joining instance moves only its share; the others keep polling theirs.
      Map<String, String> props = new HashMap<>(extra);
      props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
      clients = new KafkaClients(clients.config().withConsumer(props), clients.bootstrapServers());
    }
    return clients.newConsumer(groupId);
  }

  /** Joins the group and consumes the watchlist on a thread of its own, telling {@code listener}. */
  public synchronized void start(Listener listener) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = listener;
    thread = new Thread(this::run, "pypiwatch-poller-group");
    thread.setDaemon(true);
    thread.start();
  }

  /** Consumes the watchlist until {@link #close()}; then leaves the group (unless {@link #haltAbruptly()}). */
  private void run() {
    try {
      consumer.subscribe(List.of(watchlistTopic), new Rebalance());
      while (running) {
        try {
          apply(consumer.poll(POLL));
          synchronized (this) {
            metadata = consumer.groupMetadata();
          }
        } catch (WakeupException e) {
          // close() or haltAbruptly()
        } catch (RuntimeException e) {
          if (running) {
            log.warn("poller group: polling the watchlist failed, trying again: {}", e.toString());
          }
        }
      }
    } finally {
      if (abrupt) {
        // As a killed process: no revocation, no leaving; the group notices by the session timeout.
        consumer.close(CloseOptions.timeout(Duration.ZERO)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
      } else {
        KafkaClients.closeLeavingGroup(consumer, Duration.ofSeconds(30));
      }
      log.info("poller group left [watchlist: {}]", watchlistTopic);
    }
  }

  /**
   * Stops consuming and leaves the group (the revocation waits for the publication in flight);
   * returns once the member has left, at most about a minute. Any thread but the group's.
   */
  @Override
  public void close() {
    stopThread();
  }

  private void stopThread() {
    running = false;
    consumer.wakeup();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      consumer.close(Duration.ZERO);
      return;
    }
    try {
      t.join(Duration.ofMinutes(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops consuming without revoking or leaving the group, as a killed process would (its
   * partitions move once its session times out): what the tests of a crash use. Any thread.
   */
  public void haltAbruptly() {
    abrupt = true;
    stopThread();
  }

  @Override
  public synchronized boolean owns(String pkg) {
    int p = KafkaClients.partitionOf(pkg, partitions);
    if (!owned.contains(p)) {
      return false;
    }
    return pkg.equals(referencePackage) || entries.getOrDefault(p, Map.of()).containsKey(pkg);
  }

  @Override
  public synchronized boolean begin(String pkg) {
    if (!owns(pkg)) {
      return false;
    }
    inFlight.merge(pkg, 1, Integer::sum);
    return true;
  }

  @Override
  public synchronized void end(String pkg) {
    inFlight.computeIfPresent(pkg, (k, n) -> n > 1 ? n - 1 : null);
    notifyAll();
  }

  @Override
  public synchronized Optional<GroupCommit> commitWith(String pkg) {
    if (!owns(pkg) || metadata == null) {
      return Optional.empty();
    }
    int p = KafkaClients.partitionOf(pkg, partitions);
    return Optional.of(new GroupCommit(Map.of(new TopicPartition(watchlistTopic, p),
        new OffsetAndMetadata(positions.getOrDefault(p, 0L))), metadata));
  }

  /** The packages owned now, sorted. */
  public synchronized List<String> ownedPackages() {
    Set<String> out = new TreeSet<>();
    entries.values().forEach(m -> out.addAll(m.keySet()));
    return List.copyOf(out);
  }

  /** Entries and tombstones published while the partitions are owned. */
  private void apply(Iterable<ConsumerRecord<String, byte[]>> records) {
    Map<Integer, Map<String, WatchlistEntry>> changes = new TreeMap<>();
    Map<Integer, Long> reached = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      Map<String, WatchlistEntry> now;
      synchronized (this) {
        now = new HashMap<>(changes.containsKey(r.partition()) ? changes.get(r.partition())
            : entries.getOrDefault(r.partition(), Map.of()));
      }
      WatchlistSync.apply(now, r.key(), r.value(), r.topic(), r.partition(), r.offset());
      changes.put(r.partition(), now);
      reached.put(r.partition(), r.offset() + 1);
    }
    if (changes.isEmpty()) {
      return;
    }
    Set<String> added = new TreeSet<>();
    synchronized (this) {
      changes.forEach((p, now) -> now.keySet().stream()
          .filter(pkg -> !entries.getOrDefault(p, Map.of()).containsKey(pkg)).forEach(added::add));
    }
    if (!added.isEmpty()) {
      listener.adopted(committedStates(added));
    }
    synchronized (this) {
      changes.forEach((p, now) -> {
        if (owned.contains(p)) {
          entries.put(p, now);
        }
      });
      reached.forEach((p, offset) -> positions.merge(p, offset, Math::max));
    }
    listener.owned(ownedPackages());
  }

  /** The committed poller state of {@code packages} (EMPTY for none), read from their partitions. Blocking. */
  private Map<String, PollerState> committedStates(Collection<String> packages) {
    Set<TopicPartition> parts = new HashSet<>();
    packages.forEach(pkg -> parts.add(new TopicPartition(pollerStateTopic,
        KafkaClients.partitionOf(pkg, statePartitions))));
    Map<String, byte[]> latest = new HashMap<>();
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
    TopicReader.readUpTo(clients, end, TIMEOUT, r -> {
      if (r.key() != null && packages.contains(r.key())) {
        if (r.value() == null) {
          latest.remove(r.key());
        } else {
          latest.put(r.key(), r.value());
        }
      }
    });
    Map<String, PollerState> states = new HashMap<>();
    packages.forEach(pkg -> states.put(pkg,
        latest.containsKey(pkg) ? PollerState.fromBytes(latest.get(pkg)) : PollerState.EMPTY));
    return states;
  }

  /** Waits until no transaction that committed offsets of {@code parts} is pending. Blocking. */
  private void awaitSettled(Set<TopicPartition> parts) {
    for (int attempt = 1; running; attempt++) {
      try {
        consumer.committed(parts, BARRIER_STEP);
        return;
      } catch (TimeoutException e) {
        log.info("waiting for a transaction of the previous owner of {} to end before polling its packages "
            + "(attempt {})", parts, attempt);
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
      synchronized (PollerGroup.this) {
        metadata = consumer.groupMetadata();
      }
      if (added.isEmpty()) {
        // Also with no partition at all (more instances than partitions): the poller's first cycle
        // then fetches the reference only, and the instance is ready.
        listener.owned(ownedPackages());
        return;
      }
      Set<TopicPartition> parts = Set.copyOf(added);
      awaitSettled(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      Map<Integer, Map<String, WatchlistEntry>> read = new HashMap<>();
      parts.forEach(tp -> read.put(tp.partition(), new HashMap<>()));
      TopicReader.readUpTo(clients, end, TIMEOUT, r -> WatchlistSync.apply(read.get(r.partition()), r.key(),
          r.value(), r.topic(), r.partition(), r.offset()));
      end.forEach(consumer::seek);
      Set<String> packages = new TreeSet<>();
      read.values().forEach(m -> packages.addAll(m.keySet()));
      if (!referencePackage.isEmpty()
          && read.containsKey(KafkaClients.partitionOf(referencePackage, partitions))) {
        packages.add(referencePackage);
      }
      listener.adopted(committedStates(packages));
      synchronized (PollerGroup.this) {
        read.forEach((p, m) -> {
          owned.add(p);
          entries.put(p, m);
          positions.put(p, end.get(new TopicPartition(watchlistTopic, p)));
        });
        metadata = consumer.groupMetadata();
      }
      log.info("poller group: partitions assigned {} [packages: {}]", parts, packages.size());
      listener.owned(ownedPackages());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      List<String> moved = release(revoked);
      waitForInFlight(moved);
      log.info("poller group: partitions revoked {} [packages: {}]", revoked, moved.size());
      listener.owned(ownedPackages());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      // Not ours any more already: a publication in flight is refused by the broker (stale generation).
      List<String> moved = release(lost);
      log.warn("poller group: partitions lost {} [packages: {}]", lost, moved.size());
      listener.owned(ownedPackages());
    }
  }

  private synchronized List<String> release(Collection<TopicPartition> parts) {
    List<String> moved = new ArrayList<>();
    for (TopicPartition tp : parts) {
      owned.remove(tp.partition());
      Map<String, WatchlistEntry> gone = entries.remove(tp.partition());
      if (gone != null) {
        moved.addAll(gone.keySet());
      }
      positions.remove(tp.partition());
    }
    return moved;
  }

  private synchronized void waitForInFlight(Collection<String> moved) {
    long deadline = System.nanoTime() + REVOKE_WAIT.toNanos();
    while (inFlight.keySet().stream().anyMatch(moved::contains)
        || inFlight.containsKey(referencePackage) && !owns(referencePackage)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn("poller group: a publication of a package that moved is still in flight after {}; the broker "
            + "refuses its commit if it comes after the move", REVOKE_WAIT);
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

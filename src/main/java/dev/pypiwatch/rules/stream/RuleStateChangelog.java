package dev.pypiwatch.rules.stream;

import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.rules.AlertSource;
import dev.pypiwatch.rules.PackageState;
import dev.pypiwatch.rules.RuleStateCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule stage's changelog: a compacted topic partitioned as the downloads topic, holding the
 * {@link PackageState} of each package of downloads partition p in its partition p (key = package)
 * and a checkpoint (key {@value #CHECKPOINT}) with the downloads offset those states correspond
 * to. The stage writes them in the transaction of each step's alerts and offsets, so a restore
 * whose checkpoint equals the group's committed offset holds exactly what a replay of the downloads
 * up to that offset would give, read in seconds instead of minutes.
 *
 * <p>A partition is restored only when its checkpoint equals the committed offset and every value
 * decodes; otherwise (no topic, an upgrade from a pypiwatch without it, a reset group, a corrupt or
 * unknown value) a warning names the topic, partition and reason, the partition's restored
 * packages are forgotten and the stage replays its downloads as before. A checkpoint is written
 * only for a partition whose every package is in the changelog: after a replay, the next commit of
 * the partition writes all its packages (and removes the keys no longer held).
 *
 * <p>The ecosystem references, which every instance reads whatever partitions it owns, are
 * restored from their partitions' latest state and checkpoint too, then read from the downloads
 * topic from that checkpoint on ({@link #restoreReferences}) instead of from its beginning.
 */
final class RuleStateChangelog {
  private static final Logger LOG = LoggerFactory.getLogger(RuleStateChangelog.class);
  /** The key of a partition's checkpoint; no package is named so ({@code #} is not in package names). */
  static final String CHECKPOINT = "#checkpoint";
  /**
   * How long a restore waits for a checkpoint behind the committed offset to catch up: the
   * transaction markers of the last commit may reach the topic a moment after the offsets.
   */
  private static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration SETTLE_POLL = Duration.ofMillis(100);

  private final KafkaClients clients;
  private final String topic;
  private final int partitions;
  private final boolean enabled;

  private RuleStateChangelog(KafkaClients clients, String topic, int partitions, boolean enabled) {
    this.clients = clients;
    this.topic = topic;
    this.partitions = partitions;
    this.enabled = enabled;
  }

  /**
   * The changelog in {@code topic}, looked up with {@code consumer}; disabled (every rebuild
   * replays) with a warning if the topic is missing or not partitioned as the downloads topic's
   * {@code partitions}.
   */
  static RuleStateChangelog open(KafkaClients clients, KafkaConsumer<String, byte[]> consumer, String topic,
      int partitions, Duration timeout) {
    List<PartitionInfo> infos = TopicReader.partitions(consumer, topic, timeout);
    if (infos.isEmpty()) {
      LOG.warn("rule-state topic {} does not exist: the rule stage keeps no changelog and replays the downloads"
          + " topic at every start and rebalance", topic);
      return new RuleStateChangelog(clients, topic, partitions, false);
    }
    if (infos.size() != partitions) {
      LOG.warn("rule-state topic {} has {} partitions, the downloads topic {}: the rule stage keeps no changelog and"
          + " replays the downloads topic at every start and rebalance (recreate {} with {} partitions)", topic,
          infos.size(), partitions, topic, partitions);
      return new RuleStateChangelog(clients, topic, partitions, false);
    }
    return new RuleStateChangelog(clients, topic, partitions, true);
  }

  /** True if states are written and restored. */
  boolean enabled() {
    return enabled;
  }

  /** The changelog's topic. */
  String topic() {
    return topic;
  }

  /**
   * What a restore did.
   *
   * @param restored the partitions restored, with their packages
   * @param replayed the partitions to replay, with the keys their changelog held (stale unless
   *     written again)
   * @param records records read
   * @param bytes bytes of values read
   */
  record Restore(Map<TopicPartition, Set<String>> restored, Map<TopicPartition, Set<String>> replayed, long records,
      long bytes) {}

  /**
   * Imports into {@code engine} the states of the downloads partitions of {@code committed} (each
   * with the group's committed offset, 0 if none) whose checkpoint matches; the others' states are
   * forgotten again, to be replayed. Blocking.
   */
  Restore restore(AlertSource engine, Map<TopicPartition, Long> committed, Duration timeout) {
    Map<TopicPartition, Set<String>> restored = new LinkedHashMap<>();
    Map<TopicPartition, Set<String>> replayed = new LinkedHashMap<>();
    if (!enabled || committed.isEmpty()) {
      committed.keySet().forEach(tp -> replayed.put(tp, Set.of()));
      return new Restore(restored, replayed, 0, 0);
    }
    Map<Integer, Part> parts = new HashMap<>();
    committed.keySet().forEach(tp -> parts.put(tp.partition(), new Part()));
    long[] counts = new long[2];
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      List<TopicPartition> assigned = parts.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
      c.assign(assigned);
      c.seekToBeginning(assigned);
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each = r -> {
        counts[0]++;
        counts[1] += r.value() == null ? 0 : r.value().length;
        parts.get(r.partition()).accept(r, engine);
      };
      TopicReader.readToEnd(c, timeout, each);
      long deadline = System.nanoTime() + SETTLE.toNanos();
      while (behind(parts, committed) && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(SETTLE_POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // a stop: what was read decides
          break;
        }
        TopicReader.readToEnd(c, timeout, each);
      }
    }
    for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
      TopicPartition tp = e.getKey();
      Part part = parts.get(tp.partition());
      String problem = part.problem(e.getValue());
      if (problem == null) {
        restored.put(tp, part.keys);
        continue;
      }
      LOG.warn("rule state of partition {} not restored from topic {} ({}): replaying {} up to offset {}",
          tp.partition(), topic, problem, tp, e.getValue());
      part.keys.forEach(engine::forget);
      replayed.put(tp, part.keys);
    }
    return new Restore(restored, replayed, counts[0], counts[1]);
  }

  /**
   * Imports the latest states of {@code references} into {@code engine} and positions {@code
   * reader} (assigned to their downloads partitions) at their partition's checkpoint; at the
   * beginning for a partition without a checkpoint or a readable state of each of its references.
   * Sound because a reference's latest state holds every one of its records below the checkpoint
   * (its owner evaluated it, with the reference read to the end, in the commit that consumed each),
   * and recording a record again is harmless (a later count for the same day replaces the earlier).
   *
   * @return the partitions positioned at a checkpoint
   */
  Set<TopicPartition> restoreReferences(AlertSource engine, Set<String> references, KafkaConsumer<String, byte[]> reader,
      Duration timeout) {
    Set<TopicPartition> assigned = reader.assignment();
    Set<TopicPartition> restored = new HashSet<>();
    if (!enabled) {
      reader.seekToBeginning(assigned);
      return restored;
    }
    Map<Integer, byte[]> checkpoints = new HashMap<>();
    Map<String, byte[]> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      List<TopicPartition> parts = assigned.stream().map(tp -> new TopicPartition(topic, tp.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      TopicReader.readToEnd(c, timeout, r -> {
        if (CHECKPOINT.equals(r.key())) {
          checkpoints.put(r.partition(), r.value());
        } else if (r.key() != null && references.contains(r.key())) {
          latest.put(r.key(), r.value());
        }
      });
    }
    for (TopicPartition tp : assigned) {
      try {
        byte[] at = checkpoints.get(tp.partition());
        List<String> refs = references.stream()
            .filter(ref -> KafkaClients.partitionOf(ref, partitions) == tp.partition()).toList();
        if (at == null || refs.stream().anyMatch(ref -> latest.get(ref) == null)) {
          reader.seekToBeginning(Set.of(tp)); // a first start: nothing to restore yet
          continue;
        }
        long offset = RuleStateCodec.decodeCheckpoint(at);
        List<PackageState> states = refs.stream().map(ref -> RuleStateCodec.decode(latest.get(ref))).toList();
        for (int i = 0; i < refs.size(); i++) {
          engine.importState(refs.get(i), states.get(i));
        }
        reader.seek(tp, offset);
        restored.add(tp);
      } catch (IllegalArgumentException e) {
        LOG.warn("ecosystem reference state of partition {} not restored from topic {} ({}): reading {} from its"
            + " beginning", tp.partition(), topic, e.getMessage(), tp);
        reader.seekToBeginning(Set.of(tp));
      }
    }
    return restored;
  }

  /** True while some partition's checkpoint is behind its committed offset (its last markers may be on their way). */
  private static boolean behind(Map<Integer, Part> parts, Map<TopicPartition, Long> committed) {
    for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
      Long at = parts.get(e.getKey().partition()).checkpoint;
      if (at != null && at < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The changelog records of a commit of {@code offsets}: for each partition, the states of the
   * packages just evaluated ({@code evaluated}) or, for one in {@code snapshotDue} (replayed since
   * the last commit), of all its packages with tombstones for the stale keys; then its checkpoint.
   * None for a partition whose packages {@code engine} does not all export.
   */
  List<ProducerRecord<String, byte[]>> records(AlertSource engine, Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<TopicPartition, ? extends Collection<String>> evaluated, Map<TopicPartition, Set<String>> snapshotDue) {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    if (!enabled) {
      return out;
    }
    Map<Integer, List<String>> all = null;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      int p = e.getKey().partition();
      Set<String> stale = snapshotDue.get(e.getKey());
      Collection<String> pkgs;
      if (stale != null) {
        if (all == null) {
          all = new HashMap<>();
          for (String pkg : engine.packages()) {
            all.computeIfAbsent(KafkaClients.partitionOf(pkg, partitions), x -> new ArrayList<>()).add(pkg);
          }
        }
        pkgs = all.getOrDefault(p, List.of());
      } else {
        Collection<String> some = evaluated.get(e.getKey());
        pkgs = some == null ? List.of() : some;
      }
      List<ProducerRecord<String, byte[]>> part = new ArrayList<>(pkgs.size() + 1);
      boolean complete = true;
      for (String pkg : pkgs) {
        Optional<PackageState> s = engine.exportState(pkg);
        if (s.isEmpty()) {
          complete = false;
          break;
        }
        part.add(new ProducerRecord<>(topic, p, pkg, RuleStateCodec.encode(s.get())));
      }
      if (!complete) {
        continue;
      }
      if (stale != null) {
        Set<String> gone = new TreeSet<>(stale);
        gone.removeAll(pkgs);
        gone.forEach(pkg -> part.add(new ProducerRecord<>(topic, p, pkg, null)));
      }
      part.add(new ProducerRecord<>(topic, p, CHECKPOINT, RuleStateCodec.encodeCheckpoint(e.getValue().offset())));
      out.addAll(part);
    }
    return out;
  }

  /** What one partition of the changelog held. */
  private final class Part {
    final Set<String> keys = new HashSet<>();
    /** Keys whose last value does not decode, with why. */
    final Map<String, String> corrupt = new LinkedHashMap<>();
    Long checkpoint;
    String badCheckpoint;

    void accept(ConsumerRecord<String, byte[]> r, AlertSource engine) {
      String key = r.key();
      if (key == null) {
        return; // never written by pypiwatch; nothing to restore
      }
      if (key.equals(CHECKPOINT)) {
        try {
          checkpoint = RuleStateCodec.decodeCheckpoint(r.value());
          badCheckpoint = null;
        } catch (IllegalArgumentException e) {
          badCheckpoint = "offset " + r.offset() + ": " + e.getMessage();
        }
        return;
      }
      if (r.value() == null) { // a tombstone: the package is no longer held
        keys.remove(key);
        corrupt.remove(key);
        engine.forget(key);
        return;
      }
      keys.add(key);
      if (KafkaClients.partitionOf(key, partitions) != r.partition()) {
        corrupt.put(key, "in partition " + r.partition() + ", its package's is "
            + KafkaClients.partitionOf(key, partitions));
        return;
      }
      try {
        engine.importState(key, RuleStateCodec.decode(r.value()));
        corrupt.remove(key);
      } catch (IllegalArgumentException e) {
        corrupt.put(key, "offset " + r.offset() + ": " + e.getMessage());
      }
    }

    /** Why this partition cannot be restored at {@code committed}; null if it can. */
    String problem(long committed) {
      if (!corrupt.isEmpty()) {
        Map.Entry<String, String> first = corrupt.entrySet().iterator().next();
        return corrupt.size() + " package state(s) unreadable, e.g. package " + first.getKey() + " at "
            + first.getValue();
      }
      if (badCheckpoint != null) {
        return "unreadable checkpoint at " + badCheckpoint;
      }
      if (checkpoint == null) {
        return committed == 0 && keys.isEmpty() ? null
            : "no checkpoint (written since an upgrade once the partition is next committed)";
      }
      return checkpoint == committed ? null
          : "its checkpoint is at downloads offset " + checkpoint + ", the group's committed offset " + committed;
    }
  }
}

package dev.pypiwatch.ingest;

import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an instance's configured watchlist to the compacted watchlist topic the sharded
 * pollers split between them, at start and when the configuration changes.
 *
 * <p>The rule: the topic holds the union of what the instances list. An instance publishes every
 * package of its configuration the topic does not hold yet (naming itself in {@code listed_by}),
 * and removes (tombstones) a package only if it listed it itself and its configuration no longer
 * does. A package another instance listed stays until that instance drops it: instances with
 * different watchlists (a rolling change) never remove each other's packages. Run every instance
 * with the same watchlist file and a removal reaches the topic with the reload of the instance that
 * listed the package. Publishing is idempotent: a restart with the same configuration writes nothing.
 */
public final class WatchlistSync {
  private static final Logger log = LoggerFactory.getLogger(WatchlistSync.class);
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private WatchlistSync() {}

  /**
   * What {@code instance} writes so the topic, holding {@code current}, reflects its configured
   * packages {@code configured}: an entry per package to add, null (a tombstone) per package to
   * remove. Pure.
   */
  static Map<String, WatchlistEntry> plan(String instance, Collection<String> configured,
      Map<String, WatchlistEntry> current, Instant now) {
    Map<String, WatchlistEntry> out = new TreeMap<>();
    Set<String> wanted = Set.copyOf(configured);
    for (String pkg : wanted) {
      if (!current.containsKey(pkg)) {
        out.put(pkg, new WatchlistEntry(pkg, instance, now));
      }
    }
    current.forEach((pkg, entry) -> {
      if (!wanted.contains(pkg) && entry.listedBy().equals(instance)) {
        out.put(pkg, null);
      }
    });
    return out;
  }

  /**
   * Reads the watchlist topic whole, then writes what {@link #plan} says (idempotent producer,
   * flushed). Returns the writes. Blocking.
   */
  public static Map<String, WatchlistEntry> publish(KafkaClients clients, String topic, String instance,
      Collection<String> configured, Clock clock) {
    Objects.requireNonNull(instance, "instance");
    Map<String, WatchlistEntry> current = read(clients, topic);
    Map<String, WatchlistEntry> writes = plan(instance, configured, current, clock.instant());
    if (writes.isEmpty()) {
      return writes;
    }
    try (KafkaProducer<String, byte[]> producer = clients.newProducer(null)) {
      List<Future<?>> sent = new ArrayList<>();
      writes.forEach((pkg, entry) -> sent.add(
          producer.send(new ProducerRecord<>(topic, pkg, entry == null ? null : entry.encode()))));
      producer.flush();
      for (Future<?> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish the watchlist to " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the watchlist to " + topic, e);
    }
    List<String> added = writes.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
    List<String> removed = writes.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
    log.info("watchlist published to {} [instance: {}, added: {}, removed: {}]", topic, instance, added, removed);
    return writes;
  }

  /** The entries of the watchlist topic now (tombstoned packages absent; undecodable records skipped). Blocking. */
  public static Map<String, WatchlistEntry> read(KafkaClients clients, String topic) {
    Map<String, WatchlistEntry> current = new LinkedHashMap<>();
    TopicReader.readToEnd(clients, topic, TIMEOUT, r -> apply(current, r.key(), r.value(), r.topic(),
        r.partition(), r.offset()));
    return current;
  }

  /** Applies one record of the watchlist topic to {@code entries}: an entry, or a tombstone removing it. */
  static void apply(Map<String, WatchlistEntry> entries, String key, byte[] value, String topic, int partition,
      long offset) {
    if (key == null) {
      return;
    }
    if (value == null) {
      entries.remove(key);
      return;
    }
    try {
      entries.put(key, WatchlistEntry.decode(key, value));
    } catch (RuntimeException e) {
      log.warn("undecodable watchlist entry skipped [topic: {}, partition: {}, offset: {}, key: {}]: {}", topic,
          partition, offset, key, e.getMessage());
    }
  }
}

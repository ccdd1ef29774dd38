package dev.pypiwatch.rules.stream;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.kafka.TransactionalLoop;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.rules.AlertSource;
import dev.pypiwatch.rules.RuleMetrics;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce from the downloads topic to the alerts topic, exactly once: each
 * poll's alerts and the consumed offsets commit in one Kafka transaction
 * ({@code sendOffsetsToTransaction} with the group's metadata, so a zombie of an old generation is
 * fenced). One thread runs {@link #run()}; {@link #stop()} may be called from any thread.
 *
 * <p>A package is evaluated only once its partition is read to the end ({@code currentLag == 0}):
 * the poller publishes each package's poll in one transaction, so at lag 0 no package is
 * half-read. Offsets are committed only for such partitions, so every committed offset is fully
 * evaluated. A partition read to its end waits (at most {@link #BATCH}) for the other assigned
 * partitions with lag to be read to theirs, so a backfill or a catch-up commits in one transaction
 * rather than one per partition. A partition read to its end is committed at the consumer's
 * position even without a new record: past the markers of the poller's last transaction, committed
 * or aborted (a read_committed consumer returns no record for them), so the group's lag reaches 0.
 * Each commit also writes the evaluated packages' rule state and the partitions'
 * checkpoints to the rule-state changelog ({@link RuleStateChangelog}). After a restart, a
 * rebalance or a failed commit the engine is rebuilt: a partition whose checkpoint equals the
 * committed offset from the changelog, any other by replaying the downloads up to the committed
 * offset (recorded, marked evaluated, not evaluated); the lifecycle is restored from the alerts
 * topic; then consumption resumes at the committed offsets.
 *
 * <p>The ecosystem references ({@code rules.drop.reference-package}, e.g. {@code __all__}) are read
 * by every instance, whatever partitions it owns: a group-less consumer assigned to their
 * partitions is read to its end before each evaluation (so a reference the poller committed before
 * a package's records is there when the package is evaluated) and, on every rebuild, from their
 * partition's changelog checkpoint after their state is restored (from the beginning without one).
 * It alone records the references, in offset order; the group's copies of their records only mark
 * the references' own days for evaluation by their owner.
 */
public final class AlertStream extends TransactionalLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AlertStream.class);
  /**
   * How long a partition read to its end may wait for the other assigned partitions to be read to
   * theirs before it is evaluated and committed alone: one transaction costs a round trip of tens
   * of ms, and a partition with a long backlog must not hold back the alerts of the others.
   */
  static final Duration BATCH = Duration.ofSeconds(1);

  private final KafkaClients clients;
  private final Topics topics;
  private final String groupId;
  private final String transactionalId;
  private final Supplier<? extends AlertSource> engines;
  private final Set<String> references;
  private final RuleMetrics metrics;
  private final Predicate<Alert> history;
  private KafkaConsumer<String, byte[]> referenceReader; // null without references
  private int partitions;
  private RuleStateChangelog changelog;
  /** Partitions replayed since their last commit: the next one writes all their packages' states. */
  private final Map<TopicPartition, Set<String>> snapshotDue = new HashMap<>();
  // State of the current assignment, rebuilt as a whole.
  private AlertSource engine;
  private final Map<String, LocalDate> newest = new HashMap<>();
  private final Map<TopicPartition, Set<String>> unevaluated = new HashMap<>();
  // The package of the step's last record, and what is known of it (see step).
  private String lastPackage;
  private boolean lastIsReference;
  private LocalDate lastNewest;
  /** The group's committed offset of each assigned partition, as of the last rebuild or commit. */
  private final Map<TopicPartition, Long> committedAt = new HashMap<>();
  /** Whether a partition read to its end waits for the others, since when ({@link System#nanoTime}). */
  private boolean waiting;
  private long waitingSince;

  /**
   * A stream of group {@code groupId} whose producer uses {@code transactionalId}; a fresh engine
   * per assignment, fed every record of the {@code references} packages (normalized names; empty
   * for none) besides the group's partitions; {@code history} marks the transitions that are
   * history when published (the {@code ce_history} header).
   */
  public AlertStream(KafkaClients clients, Topics topics, String groupId, String transactionalId,
      Supplier<? extends AlertSource> engines, Set<String> references, RuleMetrics metrics,
      Predicate<Alert> history) {
    super("alert stream", "rules", "rule", Duration.ofMillis(200));
    this.clients = Objects.requireNonNull(clients, "clients");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.groupId = Objects.requireNonNull(groupId, "groupId");
    this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
    this.engines = Objects.requireNonNull(engines, "engines");
    this.references = Set.copyOf(references);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.history = Objects.requireNonNull(history, "history");
    this.engine = engines.get();
  }

  /**
   * Creates the producer (initializing its transactions fences an earlier instance with the same
   * id and aborts its open transaction) and the consumer. Blocking.
   *
   * @throws IllegalStateException if the downloads topic does not exist
   */
  @Override
  public void open() {
    consumer = clients.newConsumer(groupId);
    var infos = TopicReader.partitions(consumer, topics.downloads(), TIMEOUT);
    if (infos.isEmpty()) {
      close();
      throw new IllegalStateException("downloads topic " + topics.downloads() + " does not exist");
    }
    partitions = infos.size();
    changelog = RuleStateChangelog.open(clients, consumer, topics.ruleState(), partitions, TIMEOUT);
    producer = new TransactionalProducer(clients, transactionalId, changelog.enabled()
        ? List.of(topics.alerts(), topics.ruleState()) : List.of(topics.alerts()));
    if (!references.isEmpty()) {
      referenceReader = clients.newReader(); // read to its end before each evaluation: no fetch may wait
      referenceReader.assign(references.stream()
          .map(pkg -> new TopicPartition(topics.downloads(), KafkaClients.partitionOf(pkg, partitions)))
          .distinct().toList());
    }
  }

  @Override
  protected String topic() {
    return topics.downloads();
  }

  @Override
  protected void woken() {
    abortQuietly(); // stop requested; uncommitted work is redone by the next owner
  }

  @Override
  protected void step(Iterable<ConsumerRecord<String, byte[]>> records) {
    // A poll's records come partition by partition and a package's by the dozen: the partition's
    // set and the package's newest day are looked up when they change, not for every record.
    TopicPartition at = null;
    Set<String> pkgs = null;
    lastPackage = null;
    int consumed = 0;
    for (ConsumerRecord<String, byte[]> r : records) {
      consumed++;
      if (at == null || at.partition() != r.partition() || !at.topic().equals(r.topic())) {
        at = new TopicPartition(r.topic(), r.partition());
        pkgs = unevaluated.computeIfAbsent(at, k -> new HashSet<>());
        lastPackage = null;
      }
      consume(r, pkgs);
    }
    metrics.consumed(consumed);
    List<TopicPartition> ready = readyToCommit();
    if (ready.isEmpty() || waitForOthers(ready)) {
      return;
    }
    // Read after the packages' records: a reference committed before them is seen in full.
    readReferences();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<Alert> alerts = new ArrayList<>();
    for (TopicPartition tp : ready) {
      for (String pkg : unevaluated.getOrDefault(tp, Set.of())) {
        alerts.addAll(engine.evaluateThrough(pkg, newest.get(pkg)));
      }
      offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
    }
    commit(alerts, offsets);
    unevaluated.keySet().removeAll(offsets.keySet());
    offsets.forEach((tp, o) -> committedAt.put(tp, o.offset()));
    waiting = false;
  }

  /**
   * The assigned partitions read to their end with something to commit: records not evaluated yet,
   * or a position past the committed offset without a record (transaction markers only).
   */
  private List<TopicPartition> readyToCommit() {
    List<TopicPartition> ready = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> e : committedAt.entrySet()) {
      TopicPartition tp = e.getKey();
      if ((unevaluated.containsKey(tp) || consumer.position(tp) > e.getValue()) && caughtUp(tp)) {
        ready.add(tp);
      }
    }
    return ready;
  }

  /**
   * True if {@code ready} should wait for another assigned partition with lag (or none known yet)
   * to be read to its end, for at most {@link #BATCH}.
   */
  private boolean waitForOthers(List<TopicPartition> ready) {
    boolean othersBehind = false;
    for (TopicPartition tp : committedAt.keySet()) {
      if (!ready.contains(tp)) {
        OptionalLong lag = consumer.currentLag(tp);
        othersBehind |= lag.isEmpty() || lag.getAsLong() > 0;
      }
    }
    if (!othersBehind) {
      return false;
    }
    long now = System.nanoTime();
    if (!waiting) {
      waiting = true;
      waitingSince = now;
    }
    return now - waitingSince < BATCH.toNanos();
  }

  private void consume(ConsumerRecord<String, byte[]> r, Set<String> pkgs) {
    DownloadRecord o = readOrSkip(r, CloudEventHeaders::downloadRecord, "download");
    if (o == null) {
      metrics.undecodable();
      return;
    }
    String pkg = o.packageName();
    if (pkg != lastPackage) { // the name table gives one string a name: identity suffices
      lastPackage = pkg;
      lastIsReference = references.contains(pkg);
      lastNewest = newest.get(pkg);
      pkgs.add(pkg);
    }
    // A reference's records come from the reference reader, which is ahead: an older copy from the
    // group's consumer would overwrite a newer revision.
    if (!lastIsReference) {
      engine.record(o);
    }
    if (lastNewest == null || o.date().isAfter(lastNewest)) {
      lastNewest = o.date();
      newest.put(pkg, lastNewest);
    }
  }

  /** A replayed record (see {@link #consume} for the group's). */
  private void record(DownloadRecord o) {
    String pkg = o.packageName();
    if (!references.contains(pkg)) {
      engine.record(o);
    }
    newest.merge(pkg, o.date(), (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Records the references' records up to the end of their partitions. */
  private void readReferences() {
    if (referenceReader != null) {
      TopicReader.readToEnd(referenceReader, TIMEOUT, r -> {
        if (references.contains(r.key())) { // keyed by package; the others are not decoded
          TopicReader.readQuietly(CloudEventHeaders::downloadRecord, (DownloadRecord o) -> {
            if (references.contains(o.packageName())) {
              engine.record(o);
            }
          }).accept(r);
        }
      });
    }
  }

  private boolean caughtUp(TopicPartition tp) {
    OptionalLong lag = consumer.currentLag(tp);
    if (lag.isPresent()) {
      return lag.getAsLong() == 0;
    }
    return consumer.position(tp) >= consumer.endOffsets(Set.of(tp), TIMEOUT).get(tp);
  }

  private void commit(List<Alert> alerts, Map<TopicPartition, OffsetAndMetadata> offsets) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      records.add(new ProducerRecord<>(topics.alerts(), null, a.fingerprint(), AlertCodec.encode(a),
          CloudEventHeaders.forAlert(a, history.test(a))));
    }
    records.addAll(changelog.records(engine, offsets, unevaluated, snapshotDue));
    producer.commit(records, offsets, consumer.groupMetadata());
    snapshotDue.keySet().removeAll(offsets.keySet());
    metrics.committed(alerts.size());
    if (!alerts.isEmpty()) {
      LOG.info("published {} alert transition(s) [partitions: {}]", alerts.size(), offsets.keySet());
    }
  }

  @Override
  protected void aborted(boolean wasOpen) {
    if (wasOpen) {
      metrics.aborted();
    }
  }

  /**
   * A fresh engine holding exactly what the group has committed for {@code assigned} (from the
   * changelog where it is current, else replayed), and the references read to their end; seeks
   * there.
   */
  @Override
  protected void rebuild(Collection<TopicPartition> assigned) {
    engine = engines.get();
    newest.clear();
    unevaluated.clear();
    snapshotDue.clear();
    committedAt.clear();
    waiting = false;
    Set<TopicPartition> parts = Set.copyOf(assigned);
    Map<TopicPartition, OffsetAndMetadata> committed = parts.isEmpty() ? Map.of() : consumer.committed(parts, TIMEOUT);
    Map<TopicPartition, Long> upTo = new HashMap<>();
    parts.forEach(tp -> upTo.put(tp, committed.get(tp) == null ? 0L : committed.get(tp).offset()));
    committedAt.putAll(upTo);
    // Before the references: a partition that falls back forgets what it restored, references included.
    RuleStateChangelog.Restore restore = changelog.restore(engine, upTo, TIMEOUT);
    restore.restored().values().forEach(pkgs -> pkgs.forEach(
        pkg -> engine.evaluatedThrough(pkg).ifPresent(d -> newest.put(pkg, d))));
    if (referenceReader != null) {
      changelog.restoreReferences(engine, references, referenceReader, TIMEOUT);
      readReferences();
    }
    Map<TopicPartition, Long> replay = new HashMap<>(upTo);
    replay.keySet().retainAll(restore.replayed().keySet());
    long replayed = AlertReplay.downloads(clients, replay, this::record, TIMEOUT);
    newest.forEach(engine::markEvaluatedThrough);
    snapshotDue.putAll(restore.replayed());
    Set<Integer> owned = new HashSet<>();
    parts.forEach(tp -> owned.add(tp.partition()));
    Map<String, Alert> last = AlertReplay.lastTransitions(clients, topics.alerts(),
        pkg -> owned.contains(KafkaClients.partitionOf(pkg, partitions)), TIMEOUT);
    engine.restore(last.values());
    for (TopicPartition tp : parts) {
      if (upTo.get(tp) > 0) {
        consumer.seek(tp, upTo.get(tp));
      } else {
        consumer.seekToBeginning(Set.of(tp));
      }
    }
    metrics.rebuilt(parts.size());
    metrics.rebuiltFrom(restore.restored().size(), replayed);
    LOG.info("rule state rebuilt [partitions: {} ({} from changelog {}: {} records, {} bytes), records replayed: {},"
        + " packages: {}, alert fingerprints: {}]", parts.size(), restore.restored().size(), changelog.topic(),
        restore.records(), restore.bytes(), replayed, newest.size(), last.size());
  }

  @Override
  protected void revoked(Collection<TopicPartition> revoked) {
    // Nothing to commit: a partition's reads are evaluated and committed only once it is read to
    // its end (after waiting for the others), and the rebuild that follows starts from what the
    // group committed. Unevaluated reads are dropped.
    unevaluated.keySet().removeAll(revoked);
    snapshotDue.keySet().removeAll(revoked);
    committedAt.keySet().removeAll(revoked);
  }

  private void abortQuietly() {
    if (producer != null && producer.abortQuietly()) {
      metrics.aborted();
    }
  }

  @Override
  protected void close() {
    abortQuietly();
    if (producer != null) {
      producer.close();
    }
    if (consumer != null) {
      KafkaClients.closeLeavingGroup(consumer, Duration.ofSeconds(5)); // a clean stop hands the partitions on at once
    }
    if (referenceReader != null) {
      referenceReader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  @Override
  protected String describe() {
    return "group: " + groupId + ", transactional id: " + transactionalId;
  }
}

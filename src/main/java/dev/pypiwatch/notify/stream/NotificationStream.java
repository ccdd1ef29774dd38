package dev.pypiwatch.notify.stream;

import dev.pypiwatch.config.Durations;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertCodec.LazyAlert;
import dev.pypiwatch.events.Silence;
import dev.pypiwatch.events.SilenceCodec;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.kafka.TransactionalLoop;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.notify.Notification;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.notify.Outbox;
import dev.pypiwatch.notify.Sender;
import dev.pypiwatch.notify.SentRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's Kafka side: alert transitions in (consumer group {@code notify.group-id},
 * read_committed), notifications out through the {@link Sender}s, and what was sent recorded in the
 * compacted sent topic. The decisions are the {@link Outbox}'s. One thread runs {@link #run()};
 * {@link #stop()} may be called from any thread; deliveries complete on their channels' threads and
 * are handed back through a queue.
 *
 * <h3>What is committed when</h3>
 *
 * A Kafka transaction holds the sent records of the deliveries completed since the last one, the
 * dead letters (with their sent records), the members of each notification formed (records of
 * outcome {@code formed}, committed before its first attempt), and the group's offsets up to the first
 * alert that is not finished (its routed keys not all in the sent log: collecting, queued, in flight
 * or in back-off). One is committed before a formed notification's first attempt, and at the end of
 * a step that has something to commit: while deliveries are in flight, at most every {@link
 * #COMMIT_INTERVAL} (a burst shares transactions; the loop then polls briefly, to take each
 * completed delivery up at once). A step with nothing to write but offsets that moved (alerts
 * finished at once: a catch-up of history, say) commits them once every assigned partition is read
 * to its end, or at most {@link OffsetBatch#BATCH} later. Offsets never pass a pending alert, so after a crash every
 * unfinished alert is read again, and the sent topic, read back from its beginning on every (re)assignment, keeps what
 * was already sent from going out twice. Alerts that are silenced, unrouted or already sent finish
 * at once (a silenced firing's held-back records go into the same transaction).
 *
 * <h3>Silences</h3>
 *
 * The silences topic is read from its beginning at start and caught up before every batch of alerts
 * is handled (and at least every {@link #SILENCES_REFRESH} otherwise): a silence the broker
 * acknowledged before an alert was published is obeyed by every instance. A batch of history
 * firings alone (a catch-up) is handled without: no silence is looked at for them. The until-resolved
 * silences a resolution ends are published to it in the batch's transaction.
 *
 * <h3>The firing set</h3>
 *
 * Reminders, held-back firings and digests come from the alerts firing now ({@link Outbox#firing()}),
 * taken from the whole alerts topic once, in order: the owned partitions' alerts as the group's
 * consumer reads them (a rebuild first reads, with a reader, what lies below the committed offsets
 * and was not taken yet), the other partitions' with that reader every {@link #REFRESH}. Nothing is
 * formed from it while it has not taken an owned partition up to its end offset found at the last
 * refresh ({@link Outbox#firingBehind}): a firing's resolution published by then is read before any
 * reminder of it could go out, as when the refresh read the whole topic itself (which read and
 * fetched every alert twice in a catch-up).
 *
 * <h3>The one window</h3>
 *
 * A receiver that accepted a notification before the process died, but whose sent records were not
 * committed yet, gets it again after the restart, with the same {@link Notification#id()}: its
 * transitions, read again, form the notification their {@code formed} records name (a transition
 * that arrived meanwhile goes into another one), so receivers can de-duplicate on it (the webhook's
 * Idempotency-Key). On {@link #stop()} deliveries in flight get a grace period ({@link #STOP_GRACE}
 * in the service) to finish and be recorded. A lost answer (the receiver accepted, the connection
 * broke) is retried, with the same id, too.
 *
 * <h3>Several instances</h3>
 *
 * Partitions of the alerts topic are spread over the group; reminders go with the partition of their
 * fingerprint and digests with partition 0. Notifications already formed when partitions move are
 * finished by their old owner; the new owner may send them again (same id) if it read the sent
 * topic first.
 */
public final class NotificationStream extends TransactionalLoop {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationStream.class);
  /** How often, at most, the whole alerts topic (reminders, digests) and the downloads (charts) are caught up. */
  private static final Duration REFRESH = Duration.ofSeconds(5);
  /** How often, at most, the silences are caught up while no alert arrives (silences ending, new ones). */
  static final Duration SILENCES_REFRESH = Duration.ofSeconds(1);
  /** The service's wait, on stop, for deliveries in flight: about an HTTP or SMTP attempt's timeout. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(10);
  /** The poll between steps while deliveries are in flight: their completions are handled within about this. */
  private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(2);
  /** How long, at most, completed deliveries' records wait for a transaction while others are in flight. */
  private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

  private record Completion(Notification notification, Throwable error) {}

  private final KafkaClients clients;
  private final Topics topics;
  private final NotifyConfig config;
  private final Outbox outbox;
  private final Map<String, Sender> senders;
  private final String transactionalId;
  private final Clock clock;
  private final NotifyMetrics metrics;
  private final Duration stopGrace;
  /** Told of each firing the outbox planned to send, as it is read (e.g. to look its release up). */
  private final Consumer<Alert> plannedFiring;
  /** How often, at most, the downloads are caught up while alerts are read (their charts). */
  private final Duration chartsRefresh;
  private KafkaConsumer<String, byte[]> downloadsReader;
  private KafkaConsumer<String, byte[]> alertsReader;
  private KafkaConsumer<String, byte[]> silencesReader;
  private Instant silencesRead = Instant.MIN;
  private int alertPartitions;
  // Partition -> the offset below which the firing set has taken every alert (the group's consumer takes those of
  // the owned partitions as it reads them, the refresh those of the others).
  // An array by partition: read() looks at it for every alert.
  private long[] firingAt = new long[0];
  // Partition -> its end offset at the last refresh: reminders, held-back firings and digests wait until the
  // firing set has taken the owned partitions that far (it holds the resolutions published before then).
  private final Map<Integer, Long> firingEnd = new HashMap<>();
  private Set<Integer> owned = Set.of();
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private int inFlight;
  // Completed deliveries and dead letters whose records are not committed yet: kept across failures.
  private final List<ProducerRecord<String, byte[]>> unwritten = new ArrayList<>();
  // The notifications whose formed records are among them: committed before their first attempt.
  private final Set<String> formedUncommitted = new HashSet<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private Instant refreshed = Instant.MIN;
  private Instant chartsRefreshed = Instant.MIN;
  // Alerts went into groups since the downloads were last caught up: the charts of their notifications need it.
  private boolean chartsBehind;
  private Instant lastCommit = Instant.MIN;
  private final OffsetBatch offsetBatch = new OffsetBatch();
  private long reportedHistory;
  private Instant historyLogged = Instant.MIN;

  /**
   * A stream of {@code config}'s group and topics whose producer uses {@code transactionalId},
   * deciding with {@code outbox} and delivering through {@code senders} (one per receiver name);
   * {@link #stop()} waits up to {@code stopGrace} for deliveries in flight; {@code plannedFiring}
   * is told of each firing the outbox planned to send as soon as it is read (before its
   * group-wait).
   *
   * @throws IllegalArgumentException if a receiver has no sender
   */
  public NotificationStream(KafkaClients clients, Topics topics, NotifyConfig config, Outbox outbox,
      Map<String, Sender> senders, String transactionalId, Clock clock, NotifyMetrics metrics, Duration stopGrace,
      Consumer<Alert> plannedFiring) {
    super("notification stream", "notifier", "notifier", Duration.ofMillis(100));
    this.plannedFiring = Objects.requireNonNull(plannedFiring, "plannedFiring");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.config = Objects.requireNonNull(config, "config");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.senders = Map.copyOf(senders);
    this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
    config.receivers().forEach(r -> {
      if (!this.senders.containsKey(r.name())) {
        throw new IllegalArgumentException("no sender for receiver " + r.name());
      }
    });
    // Charts must include the days of the alerts a group reports: catch up at least once per group-wait.
    this.chartsRefresh = config.groupWait().compareTo(REFRESH) < 0 ? config.groupWait() : REFRESH;
  }

  /**
   * Creates the producer (fencing an earlier instance with the same id) and the consumers. Blocking.
   *
   * @throws IllegalStateException if the alerts, downloads or sent topic does not exist
   */
  @Override
  public void open() {
    outbox.reassigned(fp -> false, false); // no reminders or digests before the group assigns partitions
    try {
      producer = new TransactionalProducer(clients, transactionalId,
          List.of(config.sentTopic(), config.dlqTopic(), topics.silences()));
      consumer = clients.newConsumer(config.groupId());
      var infos = TopicReader.partitions(consumer, topics.alerts(), TIMEOUT);
      if (infos.isEmpty()) {
        throw new IllegalStateException("alerts topic " + topics.alerts() + " does not exist");
      }
      alertPartitions = infos.size();
      downloadsReader = TopicReader.fromBeginning(clients, topics.downloads(), TIMEOUT);
      alertsReader = clients.newReader(); // assigned to what the firing set lacks, at each refresh
      silencesReader = TopicReader.fromBeginning(clients, topics.silences(), TIMEOUT);
      readSilences();
      TopicReader.fromBeginning(clients, config.sentTopic(), TIMEOUT).close(); // fails now if it is missing
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  protected String topic() {
    return topics.alerts();
  }

  @Override
  protected Duration pollTimeout() {
    // While deliveries are in flight the next step follows at once: their records free the offsets, and the
    // receiver's next notification waits for them.
    return !completions.isEmpty() ? Duration.ZERO : inFlight > 0 ? IN_FLIGHT_POLL : super.pollTimeout();
  }

  @Override
  protected void step(Iterable<ConsumerRecord<String, byte[]>> records) {
    Instant now = clock.instant();
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
    List<LazyAlert> alerts = new ArrayList<>();
    boolean needsSilences = false;
    for (ConsumerRecord<String, byte[]> r : records) {
      LazyAlert a = decode(r);
      batch.add(r);
      alerts.add(a);
      needsSilences |= a != null && outbox.needsSilences(a, now);
    }
    // Polled before this read: a silence acknowledged before these alerts were published is in it. A batch of
    // history firings alone (a catch-up) needs none: they are dropped before any silence is looked at.
    if (needsSilences || !now.isBefore(silencesRead.plus(SILENCES_REFRESH))) {
      readSilences();
      silencesRead = now;
    }
    long collected = outbox.collected();
    for (int i = 0; i < batch.size(); i++) {
      read(batch.get(i), alerts.get(i), now);
    }
    // The group's consumer read its partitions up to its positions (past commit markers too): the firing set has them.
    for (TopicPartition tp : consumer.assignment()) {
      firingAtLeast(tp.partition(), consumer.position(tp));
    }
    // The charts of the groups these alerts went into need their days; alerts that went into none need nothing.
    chartsBehind |= outbox.collected() != collected;
    outbox.takeRecords().forEach(this::toWrite);
    for (Silence s : outbox.takeEndedSilences()) {
      unwritten.add(new ProducerRecord<>(topics.silences(), s.id(), SilenceCodec.encode(s)));
      LOG.info("silence {} ended: the alert it waited for ({}) resolved", s.id(), s.untilResolved());
    }
    complete(now);
    refresh(now);
    outbox.firingBehind(firingBehind());
    // What each new notification holds is committed before its first attempt: a crash after a
    // receiver accepted it forms it again with the same transitions, hence the same id.
    outbox.form(now);
    outbox.takeRecords().forEach(this::toWrite);
    if (outbox.attemptable(now).stream().anyMatch(n -> formedUncommitted.contains(n.id()))) {
      commit();
    }
    for (Notification n : outbox.due(now)) {
      attempt(n);
    }
    // The rest (completed deliveries, notifications formed behind a head in flight) waits while a burst lasts:
    // fewer transactions; a crash resends at most COMMIT_INTERVAL's worth of deliveries, with the same ids.
    if (inFlight > 0) {
      if (!now.isBefore(lastCommit.plus(COMMIT_INTERVAL))) {
        commit();
      }
    } else {
      Map<TopicPartition, OffsetAndMetadata> offsets = movedOffsets();
      // Offsets alone (a catch-up of history) wait for the end of the partitions, at most OffsetBatch.BATCH.
      if (!unwritten.isEmpty() || !offsets.isEmpty() && offsetBatch.commitNow(caughtUp(), System.nanoTime())) {
        commit(offsets);
      }
    }
    metrics.pending(outbox.pending());
    reportHistory(now);
  }

  /**
   * Counts the transitions that were history (older than max-alert-age) and not sent, and says how
   * many in the log: once the partitions are read to their end, or every {@link #REFRESH} during a
   * catch-up (a line per poll cost more than the poll's alerts, on a console).
   */
  private void reportHistory(Instant now) {
    long history = outbox.history();
    if (history > reportedHistory) {
      metrics.history(history);
    }
    if (history > reportedHistory && (!now.isBefore(historyLogged.plus(REFRESH)) || caughtUp())) {
      historyLogged = now;
      LOG.info("{} alert transition(s) older than notify.max-alert-age ({}), or ending such an episode, kept on "
          + "the alerts topic but not sent: history from a backfill, a new package or a catch-up ({} in all)",
          history - reportedHistory, Durations.format(config.maxAlertAge()), history);
      reportedHistory = history;
    }
  }

  /** The alert of {@code r}, decoded past its head only when needed; null if it does not decode. */
  private LazyAlert decode(ConsumerRecord<String, byte[]> r) {
    return decodeOrSkip(r, AlertCodec::decodeLazily, "alert");
  }

  /** True if the firing set has not yet taken an owned partition up to its end offset at the last refresh. */
  private boolean firingBehind() {
    for (int p : owned) {
      if (firingAt(p) < firingEnd.getOrDefault(p, 0L)) {
        return true;
      }
    }
    return false;
  }

  /** The offset of {@code partition} below which the firing set has taken every alert. */
  private long firingAt(int partition) {
    return partition < firingAt.length ? firingAt[partition] : 0;
  }

  /** The firing set has taken every alert of {@code partition} below {@code offset}. */
  private void firingAtLeast(int partition, long offset) {
    if (partition >= firingAt.length) {
      firingAt = Arrays.copyOf(firingAt, partition + 1);
    }
    firingAt[partition] = Math.max(firingAt[partition], offset);
  }

  private void read(ConsumerRecord<String, byte[]> r, LazyAlert a, Instant now) {
    // Read again after a rebuild (from the committed offsets): the firing set took it already, in order.
    if (r.offset() >= firingAt(r.partition())) {
      if (a != null) {
        outbox.firing().record(a);
      }
      firingAtLeast(r.partition(), r.offset() + 1);
    }
    if (a == null) {
      metrics.undecodable();
      return;
    }
    if (outbox.read(a, r.partition(), r.offset(), now)) {
      plannedFiring.accept(a.alert());
    }
  }

  private void attempt(Notification n) {
    inFlight++;
    CompletionStage<Void> stage;
    try {
      stage = senders.get(n.receiver()).send(n);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((v, error) -> completions.add(new Completion(n, error)));
  }

  /** Hands the completed attempts to the outbox; their sent records and dead letters wait for the next commit. */
  private void complete(Instant now) {
    for (Completion c; (c = completions.poll()) != null; ) {
      inFlight--;
      Notification n = c.notification();
      if (c.error() == null) {
        outbox.delivered(n.id(), now).forEach(this::toWrite);
        metrics.sent(n.receiver());
        LOG.info("notification {} delivered to {} [{}, {} alert(s), {} digest line(s)]", n.id(), n.receiver(),
            NotificationCodec.wire(n.kind()), n.alerts().size(), n.digest().size());
        continue;
      }
      metrics.failedAttempt(n.receiver());
      Outbox.Failure f = outbox.failed(n.id(), c.error(), now);
      if (f instanceof Outbox.Retrying r) {
        LOG.warn("notification {} to {}: attempt {} failed, retrying in {}: {}", n.id(), n.receiver(), r.attempts(),
            r.delay(), r.error());
      } else if (f instanceof Outbox.DeadLettered d) {
        unwritten.add(new ProducerRecord<>(config.dlqTopic(), null, n.receiver(),
            NotificationCodec.encodeDeadLetter(n, d.error(), d.attempts(), now),
            CloudEventHeaders.forDeadLetter(n.id(), n.receiver(), now)));
        d.records().forEach(this::toWrite);
        metrics.deadLettered(n.receiver());
        LOG.error("notification {} to {} dead-lettered to {} after {} attempt(s) [{}, {} alert(s)]: {}", n.id(),
            n.receiver(), config.dlqTopic(), d.attempts(), NotificationCodec.wire(n.kind()), n.alerts().size(),
            d.error());
      }
    }
  }

  private void toWrite(SentRecord r) {
    if (r.outcome() == SentRecord.Outcome.FORMED) {
      formedUncommitted.add(r.notificationId());
    }
    unwritten.add(new ProducerRecord<>(config.sentTopic(), r.key(), NotificationCodec.encode(r)));
  }

  /** Commits the unwritten records with the offsets that moved, in one transaction; nothing if neither. */
  private void commit() {
    commit(movedOffsets());
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (unwritten.isEmpty() && offsets.isEmpty()) {
      offsetBatch.committed();
      return;
    }
    producer.commit(unwritten, offsets, consumer.groupMetadata());
    lastCommit = clock.instant();
    offsetBatch.committed();
    unwritten.clear();
    formedUncommitted.clear();
    offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
  }

  /** The offsets of the assigned partitions that may move: up to the position or the first open alert. */
  private Map<TopicPartition, OffsetAndMetadata> movedOffsets() {
    Map<Integer, Long> firstOpen = outbox.firstOpen();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      long upTo = Math.min(consumer.position(tp), firstOpen.getOrDefault(tp.partition(), Long.MAX_VALUE));
      if (upTo > committed.getOrDefault(tp, 0L)) {
        offsets.put(tp, new OffsetAndMetadata(upTo));
      }
    }
    return offsets;
  }

  /** True if every assigned partition is read to its end (its lag known and 0). */
  private boolean caughtUp() {
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
  }

  /** Catches the silences up to the end of their topic. */
  private void readSilences() {
    TopicReader.readToEnd(silencesReader, TIMEOUT, r -> {
      try {
        outbox.silences().put(SilenceCodec.decode(r.value()));
      } catch (RuntimeException e) {
        LOG.warn("undecodable silence skipped [partition: {}, offset: {}, key: {}]: {}", r.partition(), r.offset(),
            r.key(), e.getMessage());
      }
    });
  }

  /**
   * Catches the charts' downloads up when alerts were read since (at least once per group-wait: the
   * charts include the days of the alerts a group reports) or every {@link #REFRESH}, and the firing
   * alerts every {@link #REFRESH} (reminders, digests, held-back firings).
   */
  private void refresh(Instant now) {
    if (!now.isBefore(chartsRefreshed.plus(chartsBehind ? chartsRefresh : REFRESH))) {
      TopicReader.readToEnd(downloadsReader, TIMEOUT,
          TopicReader.readQuietly(CloudEventHeaders::downloadRecord, outbox.series()::record));
      chartsRefreshed = now;
      chartsBehind = false;
    }
    if (!now.isBefore(refreshed.plus(REFRESH))) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < alertPartitions; p++) {
        all.add(new TopicPartition(topics.alerts(), p));
      }
      Map<TopicPartition, Long> end = alertsReader.endOffsets(all, TIMEOUT);
      end.forEach((tp, offset) -> firingEnd.put(tp.partition(), offset));
      // The owned partitions come through the group's consumer (firingBehind() waits for it); the others are read here.
      Map<TopicPartition, Long> from = new HashMap<>();
      for (TopicPartition tp : all) {
        if (!owned.contains(tp.partition())) {
          from.put(tp, firingAt(tp.partition()));
        }
      }
      readFiring(from, end);
      refreshed = now;
    }
  }

  /** Has the firing set take the alerts of each partition from {@code from} up to {@code upTo}. */
  private void readFiring(Map<TopicPartition, Long> from, Map<TopicPartition, Long> upTo) {
    TopicReader.readRange(alertsReader, from, upTo, TIMEOUT,
        TopicReader.decodedQuietly(AlertCodec::decodeLazily, (LazyAlert a) -> outbox.firing().record(a)));
    from.forEach((tp, offset) -> {
      Long end = upTo.get(tp);
      if (end != null && end > offset) {
        firingAtLeast(tp.partition(), end);
      }
    });
  }

  /**
   * Forgets what was read but not formed, reads the sent topic from its beginning and seeks {@code
   * assigned} to the group's committed offsets: the unfinished alerts are read again.
   */
  @Override
  protected void rebuild(Collection<TopicPartition> assigned) {
    Set<Integer> ownedNow = new HashSet<>();
    assigned.forEach(tp -> ownedNow.add(tp.partition()));
    owned = Set.copyOf(ownedNow);
    refreshed = Instant.MIN; // the next step finds the end offsets the firing set must reach first
    outbox.reassigned(fp -> owned.contains(KafkaClients.partitionOf(fp, alertPartitions)), owned.contains(0));
    int[] read = new int[1];
    TopicReader.readToEnd(clients, config.sentTopic(), TIMEOUT, r -> {
      try {
        outbox.sent().add(NotificationCodec.decodeSent(r.value()));
        read[0]++;
      } catch (RuntimeException e) {
        LOG.warn("undecodable sent record skipped [partition: {}, offset: {}, key: {}]: {}", r.partition(),
            r.offset(), r.key(), e.getMessage());
      }
    });
    Set<TopicPartition> parts = Set.copyOf(assigned);
    Map<TopicPartition, OffsetAndMetadata> group = parts.isEmpty() ? Map.of() : consumer.committed(parts, TIMEOUT);
    // The group's consumer reads on from its committed offsets: the firing set must have what lies before them
    // (a partition it had from elsewhere, or not at all, may lack some).
    Map<TopicPartition, Long> from = new HashMap<>();
    Map<TopicPartition, Long> upTo = new HashMap<>();
    group.forEach((tp, o) -> {
      if (o != null) {
        from.put(tp, firingAt(tp.partition()));
        upTo.put(tp, o.offset());
      }
    });
    readFiring(from, upTo);
    committed.clear();
    for (TopicPartition tp : parts) {
      OffsetAndMetadata o = group.get(tp);
      if (o != null) {
        consumer.seek(tp, o.offset());
        committed.put(tp, o.offset());
      } else {
        consumer.seekToBeginning(Set.of(tp));
      }
    }
    LOG.info("notifier state rebuilt [partitions: {}, sent records read: {}, keys known: {}, pending: {}]",
        parts.size(), read[0], outbox.sent().size(), outbox.pending());
  }

  @Override
  protected void revoked(Collection<TopicPartition> revoked) {
    // Record what was delivered meanwhile while the offsets can still be committed: fewer resends by the next owner.
    try {
      complete(clock.instant());
      commit();
    } catch (RuntimeException e) {
      producer.abortAfter(e);
      LOG.warn("commit before revocation failed (the next owner may resend, same id): {}", e.toString());
    }
  }

  @Override
  protected void lost(Collection<TopicPartition> lost) {
    LOG.warn("partitions lost {}", lost); // no longer ours: nothing may be committed for them
  }

  /** Gives deliveries in flight the grace period, then commits what completed. */
  @Override
  protected void finish() {
    long deadline = System.nanoTime() + stopGrace.toNanos();
    while (inFlight > 0 && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
      complete(clock.instant());
      pause(Duration.ofMillis(20));
    }
    complete(clock.instant());
    if (inFlight > 0) {
      LOG.warn("{} notification(s) still in flight at stop: a receiver that accepts one gets it again after the "
          + "restart (same id)", inFlight);
    }
    try {
      commit();
    } catch (RuntimeException e) {
      producer.abortQuietly();
      LOG.warn("final commit failed; {} record(s) of completed deliveries lost (they are sent again after the "
          + "restart, same id): {}", unwritten.size(), e.toString());
    }
  }

  @Override
  protected void close() {
    // The group's consumer first: its revocation commits what completed meanwhile, with the producer.
    if (consumer != null) {
      KafkaClients.closeLeavingGroup(consumer, Duration.ofSeconds(5)); // a clean stop hands the partitions on at once
    }
    for (KafkaConsumer<String, byte[]> c : Arrays.asList(downloadsReader, alertsReader, silencesReader)) {
      if (c != null) {
        c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      }
    }
    if (producer != null) {
      producer.close();
    }
  }

  @Override
  protected String describe() {
    return "group: " + config.groupId() + ", transactional id: " + transactionalId;
  }
}

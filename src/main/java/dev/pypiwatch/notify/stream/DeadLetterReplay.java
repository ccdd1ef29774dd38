package dev.pypiwatch.notify.stream;

import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.kafka.TransactionalProducer;
import dev.pypiwatch.notify.DeadLetter;
import dev.pypiwatch.notify.Notification;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.Retrier;
import dev.pypiwatch.notify.Sender;
import dev.pypiwatch.notify.SentRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic read back and its letters sent again: each through its receiver's {@link
 * Sender} (the notifier's channels) with its original id, so a receiver that de-duplicates on the
 * Idempotency-Key is safe. A delivered letter's sent records (the keys the notifier recorded as
 * dead-lettered) are written again with outcome {@code sent}, in one transaction: a second replay
 * finds them and sends nothing, and the notifier, reading the sent topic, knows the receiver has
 * them. Blocking; for the {@code dlq} command.
 */
public final class DeadLetterReplay {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** What became, or would become, of one dead letter. */
  public enum Outcome {
    /** Sent again and recorded as delivered. */
    REPLAYED("replayed"),
    /** {@code --dry-run}: it would be sent again. */
    WOULD_REPLAY("would replay"),
    /** Its keys are recorded as delivered (by an earlier replay): not sent again. */
    ALREADY_DELIVERED("already delivered"),
    /** A digest: its lines are not kept, and the next day's digest supersedes it. */
    NOT_REPLAYABLE("not replayable"),
    /** Its receiver is not in the configuration (renamed or removed). */
    UNKNOWN_RECEIVER("unknown receiver"),
    /** Every attempt failed again (or the delivery was not recorded); it stays dead-lettered. */
    FAILED("failed");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** How the command prints it. */
    public String label() {
      return label;
    }
  }

  /** One dead letter and what became of it; {@code detail} says why (the error, the skip's reason). */
  public record Result(DeadLetter letter, Outcome outcome, String detail) {}

  private final KafkaClients clients;
  private final NotifyConfig config;
  private final Map<String, Sender> senders;
  private final Clock clock;

  /** Replays {@code config}'s dead-letter topic through {@code senders} (one per receiver name). */
  public DeadLetterReplay(KafkaClients clients, NotifyConfig config, Map<String, Sender> senders, Clock clock) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.config = Objects.requireNonNull(config, "config");
    this.senders = Map.copyOf(senders);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The dead letters {@code filter} accepts, oldest first, each with its state: {@code
   * ALREADY_DELIVERED} once replayed, {@code NOT_REPLAYABLE}, else {@code WOULD_REPLAY}.
   *
   * @throws IllegalStateException if a topic is missing or cannot be read to its end
   */
  public List<Result> list(Predicate<DeadLetter> filter) {
    return run(filter, true);
  }

  /**
   * Sends the dead letters {@code filter} accepts again (oldest first), or with {@code dryRun}
   * only says which it would; returns what became of each.
   *
   * @throws IllegalStateException if a topic is missing or cannot be read to its end
   */
  public List<Result> replay(Predicate<DeadLetter> filter, boolean dryRun) {
    return run(filter, dryRun);
  }

  private List<Result> run(Predicate<DeadLetter> filter, boolean dryRun) {
    Map<String, DeadLetter> letters = readLetters();
    Map<String, SentRecord> sent = readSent();
    List<Result> results = new ArrayList<>();
    try (TransactionalProducer producer = dryRun ? null
        : new TransactionalProducer(clients, config.groupId() + "-dlq-replay", List.of(config.sentTopic()))) {
      for (DeadLetter d : letters.values()) {
        if (filter.test(d)) {
          results.add(handle(d, items(d, sent), dryRun, producer));
        }
      }
    }
    return results;
  }

  private Result handle(DeadLetter d, List<SentRecord> items, boolean dryRun, TransactionalProducer producer) {
    if (!d.replayable()) {
      return new Result(d, Outcome.NOT_REPLAYABLE, "a digest is not kept; the next day's digest supersedes it");
    }
    if (!items.isEmpty() && items.stream().allMatch(r -> r.outcome() == SentRecord.Outcome.SENT)) {
      return new Result(d, Outcome.ALREADY_DELIVERED, "delivered " + items.get(0).at());
    }
    if (!senders.containsKey(d.receiver())) {
      return new Result(d, Outcome.UNKNOWN_RECEIVER, "no receiver " + d.receiver() + " in notify.receivers");
    }
    if (dryRun) {
      return new Result(d, Outcome.WOULD_REPLAY, d.alerts().size() + " alert(s)");
    }
    Optional<String> error = Retrier.deliver(senders.get(d.receiver()), d.notification(), config.retry());
    if (error.isPresent()) {
      return new Result(d, Outcome.FAILED, error.get());
    }
    Instant now = clock.instant();
    List<ProducerRecord<String, byte[]>> records = items.stream()
        .map(r -> new SentRecord(r.receiver(), r.subject(), r.what(), r.date(), d.notificationId(), d.kind(), now,
            SentRecord.Outcome.SENT))
        .map(r -> new ProducerRecord<>(config.sentTopic(), r.key(), NotificationCodec.encode(r))).toList();
    try {
      producer.commit(records);
    } catch (RuntimeException e) {
      producer.abortAfter(e);
      String recorded = TransactionalProducer.isOutcomeUnknown(e) ? "maybe not recorded" : "not recorded";
      return new Result(d, Outcome.FAILED, "delivered, but " + recorded + " (" + e + "): a second replay may send "
          + "it again, with the same id");
    }
    LOG.info("dead letter {} replayed to {} [{} alert(s)]", d.notificationId(), d.receiver(), d.alerts().size());
    return new Result(d, Outcome.REPLAYED, d.alerts().size() + " alert(s)");
  }

  /**
   * The sent records of {@code d}: the keys recorded under its id (dead-lettered, or delivered by a
   * replay); for alerts whose records are gone, the keys of its transitions.
   */
  private static List<SentRecord> items(DeadLetter d, Map<String, SentRecord> sent) {
    List<SentRecord> mine = sent.values().stream().filter(r -> r.notificationId().equals(d.notificationId()))
        .toList();
    if (!mine.isEmpty() || d.kind() != Notification.Kind.ALERTS) {
      return mine;
    }
    return d.alerts().stream().map(a -> new SentRecord(d.receiver(), a.fingerprint(), a.state().wire(), a.date(),
        d.notificationId(), d.kind(), d.time(), SentRecord.Outcome.DEAD_LETTERED)).toList();
  }

  /** The dead letters by id (a letter written twice counts once), oldest first; undecodable ones skipped. */
  private Map<String, DeadLetter> readLetters() {
    List<DeadLetter> all = new ArrayList<>();
    TopicReader.readToEnd(clients, config.dlqTopic(), TIMEOUT, r -> {
      try {
        all.add(NotificationCodec.decodeDeadLetter(r.value()));
      } catch (RuntimeException e) {
        LOG.warn("undecodable dead letter skipped [topic: {}, partition: {}, offset: {}]: {}", r.topic(),
            r.partition(), r.offset(), e.getMessage());
      }
    });
    all.sort(java.util.Comparator.comparing(DeadLetter::time));
    Map<String, DeadLetter> byId = new LinkedHashMap<>();
    all.forEach(d -> byId.putIfAbsent(d.notificationId(), d));
    return byId;
  }

  /** The newest sent record of each key. */
  private Map<String, SentRecord> readSent() {
    Map<String, SentRecord> byKey = new LinkedHashMap<>();
    TopicReader.readToEnd(clients, config.sentTopic(), TIMEOUT, TopicReader.decodedQuietly(
        NotificationCodec::decodeSent, r -> byKey.put(r.key(), r)));
    return byKey;
  }
}

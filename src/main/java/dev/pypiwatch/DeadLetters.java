package dev.pypiwatch;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.notify.Channels;
import dev.pypiwatch.notify.DeadLetter;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.stream.DeadLetterReplay;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dead-letter topic for the {@code dlq} command: lists its letters, and sends them again
 * through the receivers' channels with their original ids ({@link DeadLetterReplay}). Blocking.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /** What a replay did: letters replayed, skipped (already delivered, not replayable, unknown receiver), failed. */
  public record Summary(int replayed, int skipped, int failed) {}

  /**
   * Prints to {@code out} one line per dead letter of {@code receiver} (all if null) given up on at
   * or after {@code since} (all if null): when, receiver, kind, day, id, attempts, state, error.
   *
   * @return how many were listed
   * @throws IllegalStateException if the topics cannot be read
   */
  public static int list(AppConfig config, String bootstrapServers, String receiver, Instant since, PrintStream out) {
    List<DeadLetterReplay.Result> results = new DeadLetterReplay(new KafkaClients(config.kafka(), bootstrapServers),
        config.notifications(), Map.of(), Clock.systemUTC()).list(filter(receiver, since));
    results.forEach(r -> out.println(line(r, r.outcome() == DeadLetterReplay.Outcome.ALREADY_DELIVERED ? "replayed"
        : r.outcome() == DeadLetterReplay.Outcome.NOT_REPLAYABLE ? "not replayable" : "dead-lettered")));
    return results.size();
  }

  /**
   * Sends the dead letters of {@code receiver} (all if null) given up on at or after {@code since}
   * (all if null) again, or with {@code dryRun} says which it would; prints one line per letter.
   *
   * @throws IllegalStateException if the topics cannot be read
   */
  public static Summary replay(AppConfig config, String bootstrapServers, String receiver, Instant since,
      boolean dryRun, PrintStream out) {
    NotifyConfig notify = config.notifications();
    Vertx vertx = Vertx.vertx();
    try {
      DeadLetterReplay replay = new DeadLetterReplay(new KafkaClients(config.kafka(), bootstrapServers), notify,
          Channels.senders(notify.receivers(), r -> Channels.create(vertx, r)), Clock.systemUTC());
      int replayed = 0;
      int skipped = 0;
      int failed = 0;
      for (DeadLetterReplay.Result r : replay.replay(filter(receiver, since), dryRun)) {
        DeadLetter d = r.letter();
        out.println(String.join("  ", d.notificationId(), d.receiver(), NotificationCodec.wire(d.kind()),
            d.date().toString(), r.outcome().label(), r.detail()));
        switch (r.outcome()) {
          case REPLAYED, WOULD_REPLAY -> replayed++;
          case FAILED -> failed++;
          default -> skipped++;
        }
      }
      return new Summary(replayed, skipped, failed);
    } finally {
      vertx.close().await();
    }
  }

  private static Predicate<DeadLetter> filter(String receiver, Instant since) {
    return d -> (receiver == null || d.receiver().equals(receiver)) && (since == null || !d.time().isBefore(since));
  }

  private static String line(DeadLetterReplay.Result r, String state) {
    DeadLetter d = r.letter();
    return String.join("  ", d.time().toString(), d.receiver(), NotificationCodec.wire(d.kind()), d.date().toString(),
        d.notificationId(), d.attempts() + " attempt(s)", state, d.error().replace('\n', ' '));
  }
}

package dev.pypiwatch.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A silence: alert transitions its matcher matches are not sent while it is in effect, from {@code
 * startsAt} until {@code endsAt}, or (with {@code untilResolved}) until the alert with that
 * fingerprint resolves. The value of a record on the compacted silences topic (key = {@link #id()},
 * {@link SilenceCodec}) or a silence of the configuration.
 *
 * <p>Silences are never deleted: expiring one is a new record of the same id with {@code endsAt}
 * set, so what was silenced when stays visible.
 *
 * @param id a random UUID (API) or one derived from the silence's text (configuration)
 * @param match the alerts it silences
 * @param startsAt when it takes effect
 * @param endsAt when it ends; null while it only waits for {@code untilResolved}
 * @param untilResolved the fingerprint of the alert whose resolution ends it; null for none
 * @param comment why, for humans
 * @param createdBy who, for humans
 * @param createdAt when it was created (a configured one: when the configuration was loaded)
 * @param source where it comes from
 */
public record Silence(String id, AlertMatcher match, Instant startsAt, Instant endsAt, String untilResolved,
    String comment, String createdBy, Instant createdAt, Source source) {

  /** Where a silence comes from. */
  public enum Source {
    /** Created through the HTTP API; on the silences topic. */
    API("api"),
    /** Written in the configuration's {@code notify.silences}. */
    CONFIG("config");

    private final String wire;

    Source(String wire) {
      this.wire = wire;
    }

    /** The spelling on the wire. */
    public String wire() {
      return wire;
    }
  }

  /** Where a silence is in its life at some instant. */
  public enum Status {
    /** Not started yet. */
    PENDING("pending"),
    /** In effect. */
    ACTIVE("active"),
    /** Ended (its end passed, it was expired, or the alert it waited for resolved). */
    EXPIRED("expired");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    /** The spelling on the wire. */
    public String wire() {
      return wire;
    }
  }

  public Silence {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(source, "source");
    if (endsAt == null && untilResolved == null) {
      throw new IllegalArgumentException("a silence needs an end: ends-at or until-resolved");
    }
  }

  /** Where it is at {@code now}: expired once its end passed (even if it never started), else pending or active. */
  public Status status(Instant now) {
    if (ended(now)) {
      return Status.EXPIRED;
    }
    return now.isBefore(startsAt) ? Status.PENDING : Status.ACTIVE;
  }

  /** True if its end has passed at {@code now}. */
  public boolean ended(Instant now) {
    return endsAt != null && !now.isBefore(endsAt);
  }

  /** True if it is in effect at {@code now} and matches {@code a}. */
  public boolean mutes(Alert a, Instant now) {
    return status(now) == Status.ACTIVE && match.matches(a);
  }

  /** The same silence ending at {@code at}, or as it is if it ends earlier already. */
  public Silence expiredAt(Instant at) {
    return endsAt != null && !endsAt.isAfter(at) ? this
        : new Silence(id, match, startsAt, at, untilResolved, comment, createdBy, createdAt, source);
  }

  /**
   * Of two records of one silence, the one that ends first: an expiry is never undone, whatever
   * order the records are read in (the HTTP stage keeps its own write before the topic has it).
   */
  public static Silence earlierEnd(Silence a, Silence b) {
    if (a.endsAt == null) {
      return b;
    }
    if (b.endsAt == null) {
      return a;
    }
    return b.endsAt.isBefore(a.endsAt) ? b : a;
  }
}

package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.Silence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The silences the notifier obeys: the configured ones and those read from the silences topic, by
 * id (of two records of one silence, the one ending first counts: an expiry is never undone). Not
 * thread-safe: the stream's thread owns it.
 */
public final class SilenceSet {
  private final Map<String, Silence> byId = new LinkedHashMap<>();
  private long version;

  /** The silences of {@code config}, loaded at {@code loadedAt} (the start of those without starts-at). */
  public SilenceSet(NotifyConfig config, Instant loadedAt) {
    config.silences().forEach(s -> put(s.event(loadedAt)));
  }

  /** Takes in {@code s}, a silence from the topic (or a newer record of one known). */
  public void put(Silence s) {
    byId.merge(s.id(), s, Silence::earlierEnd);
    version++;
  }

  /** Counts the records taken in: a change of it means what mutes what may have changed. */
  long version() {
    return version;
  }

  /** The first start or end of a silence after {@code now} ({@link Instant#MAX} if none): until then nothing changes. */
  Instant nextChange(Instant now) {
    Instant next = Instant.MAX;
    for (Silence s : byId.values()) {
      if (s.startsAt().isAfter(now) && s.startsAt().isBefore(next)) {
        next = s.startsAt();
      }
      if (s.endsAt() != null && s.endsAt().isAfter(now) && s.endsAt().isBefore(next)) {
        next = s.endsAt();
      }
    }
    return next;
  }

  /** The silence in effect at {@code now} that matches {@code a}, if any. */
  public Optional<Silence> muting(Alert a, Instant now) {
    for (Silence s : byId.values()) {
      if (s.mutes(a, now)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * Resolution {@code a} was read at {@code at}: the silences waiting for it (until-resolved with
   * its fingerprint, not ended yet) end now. Returns their new records, to be published.
   */
  public List<Silence> resolved(Alert a, Instant at) {
    List<Silence> ended = new ArrayList<>();
    for (Silence s : byId.values()) {
      if (a.fingerprint().equals(s.untilResolved()) && !s.ended(at)) {
        ended.add(s.expiredAt(at));
      }
    }
    ended.forEach(this::put);
    return ended;
  }
}

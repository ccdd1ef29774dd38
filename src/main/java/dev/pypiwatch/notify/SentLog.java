package dev.pypiwatch.notify;

import dev.pypiwatch.events.AlertState;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What was delivered, dead-lettered or held back by a silence, by sent-topic key; which keys
 * form a notification not finished yet (so a crash does not regroup them); when each
 * receiver last heard about each fingerprint (for reminders); and the newest transition of each
 * fingerprint recorded for each receiver (whether it heard the firing a resolution ends).
 * Rebuilt from the sent topic at start-up.
 */
public final class SentLog {
  private final Map<String, SentRecord> byKey = new HashMap<>();
  private final Map<String, Instant> lastSent = new HashMap<>();
  private final Map<String, SentRecord> lastTransition = new HashMap<>();
  /** Keys formed into a notification with no outcome yet, and that notification's id. */
  private final Map<String, String> formedIn = new HashMap<>();
  /** The keys of each notification formed with no outcome yet. */
  private final Map<String, Set<String>> formedKeys = new HashMap<>();
  /** Subjects of the outcomes recorded since the outbox last looked: the fingerprints its bounded walks look at again. */
  private Set<String> touched = new HashSet<>();
  /** How many keys are held back now (their record's outcome silenced). */
  private int heldBack;

  /**
   * Remembers {@code r} (a later record of the same key replaces it). A {@link
   * SentRecord.Outcome#FORMED formed} record only says which notification its key belongs to until
   * that key has an outcome.
   */
  public void add(SentRecord r) {
    String was = formedIn.remove(r.key());
    if (was != null) {
      Set<String> keys = formedKeys.get(was);
      keys.remove(r.key());
      if (keys.isEmpty()) {
        formedKeys.remove(was);
      }
    }
    if (r.outcome() == SentRecord.Outcome.FORMED) {
      formedIn.put(r.key(), r.notificationId());
      formedKeys.computeIfAbsent(r.notificationId(), id -> new HashSet<>()).add(r.key());
      return;
    }
    SentRecord before = byKey.put(r.key(), r);
    if (before != null && before.outcome() == SentRecord.Outcome.SILENCED) {
      heldBack--;
    }
    if (r.outcome() == SentRecord.Outcome.SILENCED) {
      heldBack++;
    }
    touched.add(r.subject());
    if (r.outcome() == SentRecord.Outcome.SENT && !r.subject().equals(SentRecord.ALL)) {
      lastSent.merge(r.receiver() + '|' + r.subject(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
    }
    if (r.what().equals(AlertState.FIRING.wire()) || r.what().equals(AlertState.RESOLVED.wire())) {
      // By day: the newest transition is what the receiver believes (a late record of an old one changes nothing).
      lastTransition.merge(r.receiver() + '|' + r.subject(), r, (old, now) -> now.date().isBefore(old.date()) ? old : now);
    }
  }

  /** True if {@code key} was delivered or dead-lettered: it is not sent again. */
  public boolean contains(String key) {
    SentRecord r = byKey.get(key);
    return r != null && r.outcome() != SentRecord.Outcome.SILENCED;
  }

  /** True if {@code key} (a firing) was held back by a silence and has not been sent since. */
  public boolean heldBack(String key) {
    SentRecord r = byKey.get(key);
    return r != null && r.outcome() == SentRecord.Outcome.SILENCED;
  }

  /** The record of {@code key}, if any. */
  public Optional<SentRecord> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** When {@code receiver} was last sent anything about {@code fingerprint} (a transition or a reminder). */
  public Optional<Instant> lastSent(String receiver, String fingerprint) {
    return Optional.ofNullable(lastSent.get(receiver + '|' + fingerprint));
  }

  /** The newest (by day) transition of {@code fingerprint} recorded for {@code receiver}, whatever its outcome. */
  public Optional<SentRecord> lastTransition(String receiver, String fingerprint) {
    return Optional.ofNullable(lastTransition.get(receiver + '|' + fingerprint));
  }

  /** The notification {@code key} was formed into, if it has no outcome yet. */
  public Optional<String> formedIn(String key) {
    return Optional.ofNullable(formedIn.get(key));
  }

  /** The keys of notification {@code id} formed and not finished (empty if none). */
  public Set<String> formedKeys(String id) {
    return Set.copyOf(formedKeys.getOrDefault(id, Set.of()));
  }

  /** True if some key is {@linkplain #heldBack held back}. */
  boolean anyHeldBack() {
    return heldBack > 0;
  }

  /** True if anything was sent about some fingerprint (a transition or a reminder): there may be reminders. */
  boolean anySent() {
    return !lastSent.isEmpty();
  }

  /** The subjects of the outcomes recorded since the last call (the caller's to keep). */
  Set<String> takeTouched() {
    Set<String> out = touched;
    touched = new HashSet<>();
    return out;
  }

  /** How many keys are known. */
  public int size() {
    return byKey.size();
  }
}

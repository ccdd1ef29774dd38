package dev.pypiwatch.notify;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What was delivered or dead-lettered, by sent-topic key, and when each receiver last heard about
 * each fingerprint (for reminders). Rebuilt from the sent topic at start-up.
 */
public final class SentLog {
  private final Map<String, SentRecord> byKey = new HashMap<>();
  private final Map<String, Instant> lastSent = new HashMap<>();

  /** Remembers {@code r} (a later record of the same key replaces it). */
  public void add(SentRecord r) {
    byKey.put(r.key(), r);
    if (r.outcome() == SentRecord.Outcome.SENT && !r.subject().equals(SentRecord.ALL)) {
      lastSent.merge(r.receiver() + '|' + r.subject(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  /** True if {@code key} was delivered or dead-lettered: it is not sent again. */
  public boolean contains(String key) {
    return byKey.containsKey(key);
  }

  /** The record of {@code key}, if any. */
  public Optional<SentRecord> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** When {@code receiver} was last sent anything about {@code fingerprint} (a transition or a reminder). */
  public Optional<Instant> lastSent(String receiver, String fingerprint) {
    return Optional.ofNullable(lastSent.get(receiver + '|' + fingerprint));
  }

  /** How many keys are known. */
  public int size() {
    return byKey.size();
  }
}

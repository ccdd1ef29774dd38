package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec.LazyAlert;
import dev.pypiwatch.events.AlertState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts firing now: the last transition of each fingerprint, kept from the alerts topic, for
 * reminders and the digest's firing counts. Not thread-safe.
 *
 * <p>Cheap to record, as a catch-up of history records every alert it reads: one map keyed by
 * fingerprint holds each one's last transition, undecoded past its head until a walk wants it
 * ({@link LazyAlert}); the fingerprints changed since the last look are a list (a flag on the entry
 * says it is in it); the counts per package are counted again only when asked for after a change
 * (the digest, once a day). The outbox keeps its note of history firings on the same entries
 * ({@link #historyFiring}); the entry looked up last is at hand without a lookup (the stream records
 * an alert, then the outbox reads it).
 */
public final class FiringAlerts {
  private final Map<String, Entry> last = new HashMap<>();
  /** Entries whose state changed since the outbox last looked (its bounded walks look at them again). */
  private List<Entry> touched = new ArrayList<>();
  /** How many alerts of each package fire; null when a transition was recorded since it was counted. */
  private Map<String, Integer> perPackage = new HashMap<>();
  /** Fingerprints with a transition recorded. */
  private int known;
  // The entry looked up last, and its fingerprint (compared by identity: the same alert's).
  private String recentFingerprint;
  private Entry recent;

  private static final class Entry {
    /** The last transition recorded; null while only the outbox's note is kept. */
    LazyAlert last;
    boolean touched;
    /** The outbox's note: the last firing it read of this fingerprint was history. */
    boolean historyFiring;
  }

  private Entry entry(String fingerprint) {
    if (fingerprint != recentFingerprint) {
      recent = last.computeIfAbsent(fingerprint, fp -> new Entry());
      recentFingerprint = fingerprint;
    }
    return recent;
  }

  /**
   * Notes whether the last firing of {@code fingerprint} the outbox read was history ({@link
   * Outbox#read}: its resolution is history too); returns the note as it was.
   */
  boolean historyFiring(String fingerprint, boolean history) {
    Entry e = history || fingerprint == recentFingerprint ? entry(fingerprint) : last.get(fingerprint);
    if (e == null) {
      return false;
    }
    boolean was = e.historyFiring;
    e.historyFiring = history;
    return was;
  }

  /** Takes {@code a} as its fingerprint's state unless a later-dated transition is already known. */
  public void record(Alert a) {
    record(LazyAlert.of(a));
  }

  /** As {@link #record(Alert)}, the alert decoded only as far as needed. */
  public void record(LazyAlert a) {
    Entry e = entry(a.fingerprint());
    if (e.last == null) {
      known++;
    } else if (e.last.date().isAfter(a.date())) {
      return; // an older transition read again (a republication) does not undo a newer one
    }
    e.last = a;
    if (!e.touched) {
      e.touched = true;
      touched.add(e);
    }
    perPackage = null;
  }

  /** Every alert firing now, in no particular order. */
  public Collection<Alert> firing() {
    List<Alert> out = new ArrayList<>();
    for (Entry e : last.values()) {
      if (e.last != null && e.last.state() == AlertState.FIRING) {
        out.add(e.last.alert());
      }
    }
    return out;
  }

  /** The alert of {@code fingerprint} if it is firing now, else null. */
  Alert firingNow(String fingerprint) {
    Entry e = last.get(fingerprint);
    return e != null && e.last != null && e.last.state() == AlertState.FIRING ? e.last.alert() : null;
  }

  /** The fingerprints whose state changed since the last call or {@link #dropTouched()} (the caller's to keep). */
  List<String> takeTouched() {
    List<String> out = new ArrayList<>(touched.size());
    for (Entry e : touched) {
      e.touched = false;
      out.add(e.last.fingerprint());
    }
    touched = new ArrayList<>();
    return out;
  }

  /** Forgets which fingerprints changed, as {@link #takeTouched()} would, without listing them. */
  void dropTouched() {
    for (Entry e : touched) {
      e.touched = false;
    }
    touched.clear();
  }

  /** How many of {@code pkg}'s alerts are firing. */
  public int count(String pkg) {
    if (perPackage == null) {
      Map<String, Integer> counts = new HashMap<>();
      for (Entry e : last.values()) {
        if (e.last != null && e.last.state() == AlertState.FIRING) {
          counts.merge(e.last.packageName(), 1, Integer::sum);
        }
      }
      perPackage = counts;
    }
    return perPackage.getOrDefault(pkg, 0);
  }

  /** How many fingerprints are known (firing or resolved). */
  public int size() {
    return known;
  }
}

package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The alerts firing now: the last transition of each fingerprint, kept from the alerts topic, for
 * reminders and the digest's firing counts. Not thread-safe.
 */
public final class FiringAlerts {
  private final Map<String, Alert> last = new HashMap<>();
  private final Map<String, Integer> perPackage = new HashMap<>();
  /** Fingerprints whose state changed since the outbox last looked (its bounded walks look at them again). */
  private Set<String> touched = new HashSet<>();

  /** Takes {@code a} as its fingerprint's state unless a later-dated transition is already known. */
  public void record(Alert a) {
    Alert known = last.get(a.fingerprint());
    if (known != null && known.date().isAfter(a.date())) {
      return; // an older transition read again (a republication) does not undo a newer one
    }
    last.put(a.fingerprint(), a);
    touched.add(a.fingerprint());
    if (known != null && known.state() == AlertState.FIRING) {
      perPackage.merge(known.packageName(), -1, (x, y) -> x + y == 0 ? null : x + y);
    }
    if (a.state() == AlertState.FIRING) {
      perPackage.merge(a.packageName(), 1, Integer::sum);
    }
  }

  /** Every alert firing now, in no particular order. */
  public Collection<Alert> firing() {
    return last.values().stream().filter(a -> a.state() == AlertState.FIRING).toList();
  }

  /** The alert of {@code fingerprint} if it is firing now, else null. */
  Alert firingNow(String fingerprint) {
    Alert a = last.get(fingerprint);
    return a != null && a.state() == AlertState.FIRING ? a : null;
  }

  /** The fingerprints whose state changed since the last call (the caller's to keep). */
  Set<String> takeTouched() {
    Set<String> out = touched;
    touched = new HashSet<>();
    return out;
  }

  /** How many of {@code pkg}'s alerts are firing. */
  public int count(String pkg) {
    return perPackage.getOrDefault(pkg, 0);
  }

  /** How many fingerprints are known (firing or resolved). */
  public int size() {
    return last.size();
  }
}

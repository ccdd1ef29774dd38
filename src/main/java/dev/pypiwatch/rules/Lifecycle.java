package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.TextFormat;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns each day's findings into transitions: a condition fires once when it starts, resolves on
 * the first judged day without it, and never repeats while it lasts. A new episode within the
 * cooldown after the last resolution is held back: for as long as it lasts, or, for the rules that
 * say so ({@link Episodes}), until the cooldown ends, firing then if it still lasts; one measured
 * against a much lower expectation than the last one (a fall from the level the last one ended at)
 * fires at once where the rule says so.
 */
final class Lifecycle {
  /** One fingerprint's state. */
  private static final class Track {
    final String scope;
    Alert firing;
    LocalDate lastResolved;
    /** What the last episode (firing or resolved) was measured against. */
    double lastExpected = Double.NaN;
    boolean suppressed;

    Track(String scope) {
      this.scope = scope;
    }
  }

  /**
   * How one rule's episodes follow each other.
   *
   * @param cooldown a new episode this soon after the last resolution is held back
   * @param afterCooldown whether one held back and still there when the cooldown ends fires then
   *     (else it is held back for as long as it lasts)
   * @param newLevel the ratio at or below which a finding's expectation, against the one the last
   *     episode fired on, makes it a new episode at once (the baseline has since moved down to where
   *     the last fall ended: a fall from the new level), even while the last one is firing (which
   *     then resolves that day) or cooling down; 0 turns this off
   */
  record Episodes(Duration cooldown, boolean afterCooldown, double newLevel) {
    /** Held back for as long as it lasts within {@code cooldown}; no new level. */
    static Episodes cooldown(Duration cooldown) {
      return new Episodes(cooldown, false, 0);
    }
  }

  /** The {@link Episodes} of each rule, by rule name. */
  @FunctionalInterface
  interface EpisodesByRule {
    Episodes of(String rule);
  }

  private final Map<String, Map<String, Track>> tracks = new HashMap<>();

  /**
   * The transitions of {@code pkg} on {@code date}.
   *
   * @param judged the scopes ({@code rule:series}) whose rules could judge the day
   * @param episodes how each rule's episodes follow each other, by rule name
   */
  List<Alert> step(String pkg, LocalDate date, Set<String> judged, List<Finding> findings,
      EpisodesByRule episodes) {
    Map<String, Track> mine = tracks.computeIfAbsent(pkg, p -> new HashMap<>());
    List<Alert> out = new ArrayList<>();
    // Most days find nothing: no set for them.
    Set<String> present = findings.isEmpty() ? Set.of() : new HashSet<>();
    for (Finding f : findings) {
      present.add(f.fingerprint());
      Track t = mine.computeIfAbsent(f.fingerprint(), k -> new Track(Rule.scope(f.rule(), f.series())));
      Episodes policy = episodes.of(f.rule());
      boolean renewed = policy.newLevel() > 0 && f.expected() <= policy.newLevel() * t.lastExpected;
      if (renewed) {
        if (t.firing != null) {
          out.add(resolved(t.firing, date));
          t.firing = null;
        }
        t.suppressed = false;
        t.lastResolved = null;
      }
      LocalDate cooled = t.lastResolved == null ? null
          : t.lastResolved.plusDays(policy.cooldown().toDays());
      if (t.suppressed && policy.afterCooldown() && cooled != null && !date.isBefore(cooled)) {
        t.suppressed = false; // still there when the cooldown ends: no flap, news
      }
      if (t.firing != null || t.suppressed) {
        continue;
      }
      if (cooled != null && date.isBefore(cooled)) {
        t.suppressed = true;
        continue;
      }
      t.firing = alert(pkg, date, f);
      t.lastExpected = f.expected();
      out.add(t.firing);
    }
    for (Map.Entry<String, Track> e : mine.entrySet()) {
      Track t = e.getValue();
      if (present.contains(e.getKey()) || !judged.contains(t.scope)) {
        continue;
      }
      t.suppressed = false;
      if (t.firing != null) {
        out.add(resolved(t.firing, date));
        t.firing = null;
        t.lastResolved = date;
      }
    }
    return out;
  }

  /** Takes over the last transition of each fingerprint (after a restart). */
  void restore(Collection<Alert> last) {
    for (Alert a : last) {
      Track t = tracks.computeIfAbsent(a.packageName(), p -> new HashMap<>())
          .computeIfAbsent(a.fingerprint(), k -> new Track(Rule.scope(a.rule(), a.series())));
      t.lastExpected = a.expected();
      if (a.state() == AlertState.FIRING) {
        t.firing = a;
      } else {
        t.firing = null;
        t.lastResolved = a.date();
      }
    }
  }

  /** Drops the states of {@code pkg}'s alerts. */
  void forget(String pkg) {
    tracks.remove(pkg);
  }

  /** The alerts of {@code pkg} firing now. */
  List<Alert> firing(String pkg) {
    return tracks.getOrDefault(pkg, Map.of()).values().stream()
        .filter(t -> t.firing != null).map(t -> t.firing).toList();
  }

  static Alert alert(String pkg, LocalDate date, Finding f) {
    return new Alert(f.fingerprint(), pkg, f.rule(), f.series(), f.category(), date,
        AlertState.FIRING, f.severity(), f.observed(), f.expected(), f.score(), f.summary(),
        Alert.linkOf(pkg));
  }

  private static Alert resolved(Alert firing, LocalDate date) {
    String summary = firing.packageName() + ": " + firing.rule() + " (" + firing.series() + " "
        + firing.category() + ") ended on " + TextFormat.day(date) + "; it started on "
        + firing.date();
    return new Alert(firing.fingerprint(), firing.packageName(), firing.rule(), firing.series(),
        firing.category(), date, AlertState.RESOLVED, firing.severity(), firing.observed(),
        firing.expected(), firing.score(), summary, firing.link());
  }
}

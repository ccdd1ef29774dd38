package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic detector for the stream's tests: a package's alert fires on the first day whose
 * overall/without_mirrors count is at least {@link #THRESHOLD} and resolves on the first day below.
 * Other series are recorded (so {@link #packages()} knows them) but never alert.
 */
public final class ThresholdAlertSource implements AlertSource {
  public static final long THRESHOLD = 1_000_000;

  private final Map<String, TreeMap<LocalDate, Long>> counts = new HashMap<>();
  private final Map<String, LocalDate> evaluated = new HashMap<>();
  private final Set<String> firing = new HashSet<>();
  private final Runnable onEvaluate;

  public ThresholdAlertSource() {
    this(() -> {});
  }

  /** A source that runs {@code onEvaluate} first in every {@link #evaluateThrough} (e.g. to fail once). */
  public ThresholdAlertSource(Runnable onEvaluate) {
    this.onEvaluate = onEvaluate;
  }

  public static String fingerprint(String pkg) {
    return pkg + "/threshold/overall/without_mirrors";
  }

  @Override
  public void record(DownloadRecord r) {
    TreeMap<LocalDate, Long> series = counts.computeIfAbsent(r.packageName(), p -> new TreeMap<>());
    if (r.endpoint() == Endpoint.OVERALL && r.category().equals(Categories.WITHOUT_MIRRORS)) {
      series.put(r.date(), r.downloads());
    }
  }

  @Override
  public List<Alert> evaluateThrough(String pkg, LocalDate through) {
    onEvaluate.run();
    TreeMap<LocalDate, Long> series = counts.getOrDefault(pkg, new TreeMap<>());
    LocalDate from = evaluated.get(pkg);
    var days = from == null ? series.headMap(through, true) : series.subMap(from, false, through, true);
    List<Alert> out = new ArrayList<>();
    days.forEach((date, n) -> {
      boolean above = n >= THRESHOLD;
      if (above != firing.contains(pkg)) {
        out.add(alert(pkg, date, above ? AlertState.FIRING : AlertState.RESOLVED, n));
        if (above) {
          firing.add(pkg);
        } else {
          firing.remove(pkg);
        }
      }
    });
    markEvaluatedThrough(pkg, through);
    return out;
  }

  public static Alert alert(String pkg, LocalDate date, AlertState state, long observed) {
    return new Alert(fingerprint(pkg), pkg, "threshold", "overall", Categories.WITHOUT_MIRRORS, date, state,
        Severity.WARNING, observed, THRESHOLD, observed / (double) THRESHOLD,
        pkg + " " + state.wire() + " at " + observed, Alert.linkOf(pkg));
  }

  @Override
  public Optional<LocalDate> evaluatedThrough(String pkg) {
    return Optional.ofNullable(evaluated.get(pkg));
  }

  @Override
  public void markEvaluatedThrough(String pkg, LocalDate through) {
    evaluated.merge(pkg, through, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public void restore(Collection<Alert> lastTransitions) {
    for (Alert a : lastTransitions) {
      if (a.state() == AlertState.FIRING) {
        firing.add(a.packageName());
      } else {
        firing.remove(a.packageName());
      }
    }
  }

  @Override
  public Set<String> packages() {
    return Set.copyOf(counts.keySet());
  }
}

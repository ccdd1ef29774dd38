package dev.pypiwatch.notify;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertContext;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Release;
import dev.pypiwatch.events.TextFormat;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Adds to each firing alert of a notification the release of its package near its day, just
 * before a sender's attempt: the one place PyPI's JSON API is asked, so only alerts that go out
 * cost a request. A lookup that fails, or takes longer than {@code timeout}, leaves the alert as
 * it was: the notification goes out anyway, with the same id.
 */
public final class ReleaseNotes {
  private ReleaseNotes() {}

  /** {@code senders}, each adding releases found by {@code lookup} (waiting at most {@code timeout}). */
  public static Map<String, Sender> around(Map<String, Sender> senders, ReleaseLookup lookup, Duration timeout) {
    Map<String, Sender> out = new LinkedHashMap<>();
    senders.forEach((name, s) -> out.put(name, n -> explain(n, lookup, timeout).thenCompose(s::send)));
    return out;
  }

  /** {@code n} with the releases near its firing alerts' days added; {@code n} itself if none. */
  static CompletableFuture<Notification> explain(Notification n, ReleaseLookup lookup, Duration timeout) {
    Map<String, CompletableFuture<Optional<Release>>> asked = new LinkedHashMap<>();
    for (Alert a : n.alerts()) {
      if (wants(a)) {
        asked.computeIfAbsent(a.packageName() + "@" + a.date(), k -> ask(lookup, a.packageName(), a.date(), timeout));
      }
    }
    if (asked.isEmpty()) {
      return CompletableFuture.completedFuture(n);
    }
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Alert> alerts = new ArrayList<>(n.alerts().size());
      boolean changed = false;
      for (Alert a : n.alerts()) {
        Optional<Release> r = wants(a) ? asked.get(a.packageName() + "@" + a.date()).join() : Optional.empty();
        if (r.isPresent()) {
          AlertContext c = a.context() != null ? a.context()
              : new AlertContext(null, null, null, null, TextFormat.weekday(a.date()), null, null);
          alerts.add(a.withContext(c.withRelease(r.get())));
          changed = true;
        } else {
          alerts.add(a);
        }
      }
      return changed ? new Notification(n.id(), n.receiver(), n.kind(), n.date(), alerts, n.series(), n.digest()) : n;
    });
  }

  /**
   * Asks {@code lookup} at once for a firing alert about to wait its group-wait (its answer is
   * cached by the lookup), so that a burst of alerts has its releases by the time it goes out
   * rather than queueing them, one a second, after it: the sender's ask then finds the answer.
   */
  public static Consumer<Alert> prefetch(ReleaseLookup lookup) {
    return a -> {
      if (wants(a)) {
        try {
          lookup.near(a.packageName(), a.date());
        } catch (RuntimeException e) {
          // The sender's own ask will try again and go without it: never in the way of the alert.
        }
      }
    };
  }

  private static boolean wants(Alert a) {
    return a.state() == AlertState.FIRING && (a.context() == null || a.context().release() == null);
  }

  private static CompletableFuture<Optional<Release>> ask(ReleaseLookup lookup, String pkg, LocalDate day,
      Duration timeout) {
    CompletableFuture<Optional<Release>> f;
    try {
      f = lookup.near(pkg, day).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    // A copy, so that the lookup's own future (maybe cached and shared) is never completed here.
    return f.thenApply(r -> r).completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> Optional.empty());
  }
}

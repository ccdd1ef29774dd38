package dev.pypiwatch.ingest;

import dev.pypiwatch.events.PackageName;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counters and gauges of the poller, read by the log summary and the {@code /metrics} endpoint. */
public final class PollMetrics {
  private static final Logger log = LoggerFactory.getLogger(PollMetrics.class);
  final AtomicLong cycles = new AtomicLong();
  final AtomicLong packagePolls = new AtomicLong();
  final AtomicLong recordsPublished = new AtomicLong();
  final AtomicLong revisionsPublished = new AtomicLong();
  final AtomicLong zeroFilledPublished = new AtomicLong();
  final AtomicLong recentPublished = new AtomicLong();
  final AtomicLong fetchFailures = new AtomicLong();
  final AtomicLong rowsRejected = new AtomicLong();
  final AtomicLong publishFailures = new AtomicLong();
  final AtomicLong transientEmpties = new AtomicLong();
  final AtomicLong stalePackagesTotal = new AtomicLong();
  final AtomicLong pollsSkipped = new AtomicLong();
  // Packages whose last poll was skipped: waiting for the upstream's day.
  final Set<String> waiting = ConcurrentHashMap.newKeySet();
  final Set<String> stale = ConcurrentHashMap.newKeySet();
  final Set<String> invalid = ConcurrentHashMap.newKeySet();
  final AtomicLong lastSuccessEpochSecond = new AtomicLong();
  // Why the upstream does not answer (no connection at all), or null while it answers.
  final AtomicReference<String> unreachable = new AtomicReference<>();
  // PEP 503 name -> when it was last polled (whatever the outcome).
  private final Map<String, Instant> lastPoll = new ConcurrentHashMap<>();
  private final List<PollListener> listeners = new CopyOnWriteArrayList<>();

  /** Adds {@code l}: it hears every package polled and every cycle finished from now on. */
  public void addListener(PollListener l) {
    listeners.add(l);
  }

  /** When {@code pkg} (any spelling) was last polled, if it has been since start-up. */
  public Optional<Instant> lastPoll(String pkg) {
    return PackageName.isValid(pkg) ? Optional.ofNullable(lastPoll.get(PackageName.normalize(pkg))) : Optional.empty();
  }

  void pollSkipped(String pkg) {
    pollsSkipped.incrementAndGet();
    waiting.add(pkg);
  }

  void pollMade(String pkg) {
    waiting.remove(pkg);
  }

  void polled(String pkg, PollListener.Outcome outcome, Instant at) {
    if (PackageName.isValid(pkg)) {
      lastPoll.put(PackageName.normalize(pkg), at);
    }
    for (PollListener l : listeners) {
      try {
        l.polled(pkg, outcome, at);
      } catch (RuntimeException e) {
        // A listener's fault must not stop the poller.
        log.warn("poll listener failed [package: {}]", pkg, e);
      }
    }
  }

  void cycleFinished(Poller.CycleReport report) {
    for (PollListener l : listeners) {
      try {
        l.cycleFinished(report);
      } catch (RuntimeException e) {
        log.warn("poll listener failed at the end of a cycle", e);
      }
    }
  }

  /** Why the PyPI Stats API cannot be reached at all (DNS, refused, reset), if it cannot: /ready says so. */
  public Optional<String> upstreamUnreachable() {
    return Optional.ofNullable(unreachable.get());
  }

  /** Packages currently reported stale (behind after the freshness deadline). */
  public Set<String> stalePackages() {
    return Set.copyOf(stale);
  }

  /** Watchlist entries the upstream does not know (404 from overall). */
  public Set<String> invalidPackages() {
    return Set.copyOf(invalid);
  }

  /** Every figure by its metric name, in a stable order; counters end in {@code _total}. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pypiwatch_poll_cycles_total", cycles.get());
    m.put("pypiwatch_package_polls_total", packagePolls.get());
    m.put("pypiwatch_records_published_total", recordsPublished.get());
    m.put("pypiwatch_revisions_published_total", revisionsPublished.get());
    m.put("pypiwatch_zero_filled_published_total", zeroFilledPublished.get());
    m.put("pypiwatch_recent_published_total", recentPublished.get());
    m.put("pypiwatch_fetch_failures_total", fetchFailures.get());
    m.put("pypiwatch_upstream_rows_rejected_total", rowsRejected.get());
    m.put("pypiwatch_publish_failures_total", publishFailures.get());
    m.put("pypiwatch_transient_empty_answers_total", transientEmpties.get());
    m.put("pypiwatch_stale_reports_total", stalePackagesTotal.get());
    m.put("pypiwatch_package_polls_skipped_total", pollsSkipped.get());
    m.put("pypiwatch_packages_waiting_for_upstream", (long) waiting.size());
    m.put("pypiwatch_stale_packages", (long) stale.size());
    m.put("pypiwatch_invalid_packages", (long) invalid.size());
    m.put("pypiwatch_last_successful_poll_seconds", lastSuccessEpochSecond.get());
    m.put("pypiwatch_upstream_reachable", unreachable.get() == null ? 1L : 0L);
    return m;
  }
}

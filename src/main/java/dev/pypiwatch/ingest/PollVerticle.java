package dev.pypiwatch.ingest;

import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.Durations;
import dev.pypiwatch.config.PollerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules the {@link Poller}: on start-up and daily at {@code poller.poll-at} UTC; re-polls
 * packages whose data is late until the freshness deadline, then reports them stale (each retry
 * asks the reference first, and polls only the packages that can have news: {@link NewsGate});
 * reloads the watchlist when its files change (added packages are backfilled at once).
 *
 * <p>Sharded ({@link #sharded}): the packages polled are those {@link PollerGroup} says this
 * instance owns; packages that arrive are polled at once unless their committed state shows a
 * complete poll today (their previous owner did the day), and a changed watchlist file is
 * published to the watchlist topic instead of applied here.
 */
public final class PollVerticle extends VerticleBase implements PollerGroup.Listener {
  private static final Logger log = LoggerFactory.getLogger(PollVerticle.class);

  private final Poller poller;
  private final PollerConfig config;
  private final WatchlistSource source;
  private final Clock clock;
  private final Set<String> watchlist = new LinkedHashSet<>();
  // A copy for other threads (the HTTP API); the set itself is the verticle context's.
  private volatile List<String> watched = List.of();
  private final Set<Long> timers = new LinkedHashSet<>();
  private volatile Future<?> tail = Future.succeededFuture();
  private volatile boolean stopping;
  private volatile boolean polledOnce;
  private boolean pollNowQueued; // on the verticle's context only
  private boolean firstCycleQueued; // sharded; on the verticle's context only
  // Sharded: publishes a reloaded watchlist to the topic (blocking); null: the watchlist is applied here.
  private final Consumer<List<String>> share;

  public PollVerticle(Poller poller, PollerConfig config, List<String> watchlist,
      WatchlistSource source, Clock clock) {
    this(poller, config, watchlist, source, clock, null);
  }

  private PollVerticle(Poller poller, PollerConfig config, List<String> watchlist,
      WatchlistSource source, Clock clock, Consumer<List<String>> share) {
    this.poller = poller;
    this.config = config;
    this.source = source;
    this.clock = clock;
    this.share = share;
    this.watchlist.addAll(watchlist);
    this.watched = List.copyOf(this.watchlist);
  }

  /**
   * A scheduler of the packages {@link PollerGroup} assigns (through {@link #owned}); a changed
   * watchlist file goes to {@code share} (blocking, run on a worker).
   */
  public static PollVerticle sharded(Poller poller, PollerConfig config, WatchlistSource source, Clock clock,
      Consumer<List<String>> share) {
    return new PollVerticle(poller, config, List.of(), source, clock, Objects.requireNonNull(share, "share"));
  }

  @Override
  public void adopted(Map<String, PollerState> states) {
    poller.adopt(states);
  }

  @Override
  public void owned(List<String> packages) {
    context.runOnContext(v -> {
      List<String> added = packages.stream().filter(n -> !watchlist.contains(n)).toList();
      List<String> removed = watchlist.stream().filter(n -> !packages.contains(n)).toList();
      if (added.isEmpty() && removed.isEmpty() && firstCycleQueued) {
        return; // a rebalance that moved nothing of this instance's
      }
      watchlist.clear();
      watchlist.addAll(packages);
      watched = List.copyOf(watchlist);
      poller.forget(removed);
      LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
      List<String> due = added.stream().filter(p -> !poller.polledCompletelyOn(p, today)).toList();
      log.info("packages assigned to this poller instance [now: {}, arrived: {}, of which polled now: {}, "
          + "left: {}]", packages.size(), added.size(), due.size(), removed.size());
      if (!due.isEmpty() || !firstCycleQueued) {
        firstCycleQueued = true; // the first one even with nothing due: it makes the instance ready
        enqueueCycle(due);
      }
    });
  }

  /** The packages watched now, as configured (the watchlist file may change at run time). */
  public List<String> watchlist() {
    return watched;
  }

  @Override
  public Future<?> start() {
    log.info("poller started [packages: {}, daily at: {} UTC]", watchlist.size(), config.pollAt());
    if (config.pollOnStart() && share == null) {
      enqueueCycle(List.copyOf(watchlist));
    }
    scheduleDaily();
    timers.add(vertx.setPeriodic(config.watchInterval().toMillis(), id -> checkWatchlist()));
    return Future.succeededFuture();
  }

  /** Starts no further package or cycle; what is in flight finishes. Safe from any thread. */
  public void halt() {
    stopping = true;
    poller.stop();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    poller.stop();
    timers.forEach(vertx::cancelTimer);
    // The package in flight finishes (its requests may be abandoned by the client's close).
    return tail.otherwiseEmpty();
  }

  /**
   * Queues a poll of the whole watchlist now (after any cycle in progress). Completes when it has
   * finished; late packages are then retried on their own schedule. Requests made while one such
   * poll waits to start join it: asking twice does not poll twice.
   */
  public Future<Void> pollNow() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (!pollNowQueued) {
        pollNowQueued = true;
        Instant deadline = clock.instant().plus(config.freshnessDeadline());
        enqueue(() -> {
          pollNowQueued = false;
          return cycle(List.copyOf(watchlist), deadline, 1);
        });
      }
      tail.onComplete(ar -> done.complete());
    });
    return done.future();
  }

  /** True once a poll cycle has finished: what {@code /ready} reports. */
  public boolean polledOnce() {
    return polledOnce;
  }

  /** Completes when every cycle queued so far has finished: for tests and orderly shutdown. */
  public Future<?> idle() {
    return tail.otherwiseEmpty();
  }

  private void enqueue(Supplier<Future<?>> work) {
    tail = tail.transform(ar -> stopping ? Future.succeededFuture() : work.get());
  }

  private void enqueueCycle(List<String> packages) {
    Instant deadline = clock.instant().plus(config.freshnessDeadline());
    enqueue(() -> cycle(packages, deadline, 1));
  }

  /** Polls {@code packages}; those behind are polled again after the freshness back-off until the deadline. */
  private Future<?> cycle(List<String> packages, Instant deadline, int attempt) {
    List<String> current = packages.stream().filter(watchlist::contains).toList();
    return poller.poll(current).onSuccess(report -> {
      polledOnce = true;
      poller.metrics().cycleFinished(report);
      List<String> behind = report.behind().stream().filter(watchlist::contains).sorted().toList();
      log.info("poll cycle done [expected newest: {}, fresh: {}, behind: {} (of which waiting for the "
          + "upstream, not polled: {}), invalid: {}]", report.expectedNewest(), report.fresh().size(),
          behind.size(), report.waiting().size(), report.invalid().size());
      if (behind.isEmpty() || stopping) {
        return;
      }
      Duration wait = config.freshnessPolicy().backoff(attempt);
      if (clock.instant().plus(wait).isAfter(deadline)) {
        reportStale(behind);
        return;
      }
      log.info("{} package(s) behind, polling them again in {}", behind.size(), Durations.format(wait));
      timer(wait, () -> enqueue(() -> cycle(behind, deadline, attempt + 1)));
    });
  }

  private void reportStale(List<String> behind) {
    for (String pkg : behind) {
      poller.metrics().stale.add(pkg);
      poller.metrics().stalePackagesTotal.incrementAndGet();
    }
    log.warn("stale: no up-to-date data by the freshness deadline; polled again next cycle "
        + "[packages: {}]", behind);
  }

  private void scheduleDaily() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
    ZonedDateTime next = now.with(config.pollAt());
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    long delay = Math.max(1, Duration.between(now, next).toMillis());
    timer(Duration.ofMillis(delay), () -> {
      enqueueCycle(List.copyOf(watchlist));
      scheduleDaily();
    });
  }

  private void checkWatchlist() {
    vertx.executeBlocking(source::reloadIfChanged, false)
        .onFailure(err -> log.error("watchlist not reloaded, keeping the current one:\n{}",
            err instanceof ConfigException ce ? ce.getMessage() : err.toString()))
        .onSuccess(changed -> changed.ifPresent(names -> {
          if (share == null) {
            applyWatchlist(names);
          } else {
            vertx.executeBlocking(() -> {
              share.accept(names);
              return null;
            }, false).onFailure(err -> log.error("watchlist not published to the topic, the next change "
                + "tries again: {}", err.toString()));
          }
        }));
  }

  private void applyWatchlist(List<String> names) {
    List<String> added = names.stream().filter(n -> !watchlist.contains(n)).toList();
    List<String> removed = watchlist.stream().filter(n -> !names.contains(n)).toList();
    watchlist.clear();
    watchlist.addAll(names);
    watched = List.copyOf(watchlist);
    log.info("watchlist reloaded [added: {}, removed: {}]", added, removed);
    if (!added.isEmpty()) {
      enqueueCycle(added);
    }
  }

  private void timer(Duration delay, Runnable action) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, delay.toMillis()), t -> {
      timers.remove(id[0]);
      action.run();
    });
    timers.add(id[0]);
  }

}

package dev.pypiwatch.ingest;

import dev.pypiwatch.api.ApiResponse;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.api.PypiStatsException;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.ingest.NewsGate.ReferenceCheck;
import dev.pypiwatch.outbound.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls packages and publishes what changed: for each package it fetches {@code overall},
 * {@code python_minor} and {@code system} (three requests; {@code python_major} is derived and
 * {@code /recent} computed), lets {@link PollPlanner} decide, and publishes the records together
 * with the package's new state in one Kafka transaction.
 *
 * <p>Not a verticle: {@link PollVerticle} schedules it. Futures complete on the caller's context;
 * publishing runs on a single-thread worker, so transactions never overlap.
 */
public final class Poller {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  private static final List<Endpoint> FETCHED =
      List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  private final PypiStatsClient client;
  private final DownloadPublisher publisher;
  private final WorkerExecutor publishWorker;
  private final String referencePackage;
  private final Clock clock;
  private final PollMetrics metrics;
  private final PackageOwnership ownership;
  /** Sharded: how long an instance waits for the reference's day to be published by its owner. */
  static final java.time.Duration REFERENCE_WAIT = java.time.Duration.ofMinutes(2);
  private static final java.time.Duration REFERENCE_CHECK = java.time.Duration.ofSeconds(1);
  private final PollPlanner planner = new PollPlanner();
  private final NewsGate gate = new NewsGate();
  private final Map<String, PollerState> states = new ConcurrentHashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  /** Packages whose last batch may or may not have been committed: their state is read back first. */
  private final Set<String> unsettled = ConcurrentHashMap.newKeySet();
  /**
   * Packages whose published batch a replacement of the producer may have aborted (a hanging
   * transaction in their partition, {@link DownloadPublisher#takeAborted}): unsettled, and checked
   * at the end of the cycle unless polled before.
   */
  private final Set<String> aborted = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /**
   * @param states the state restored from the poller-state topic, per package
   * @param referencePackage series that tells upstream holes, or empty for none
   */
  public Poller(PypiStatsClient client, DownloadPublisher publisher, WorkerExecutor publishWorker,
      Map<String, PollerState> states, String referencePackage, Clock clock, PollMetrics metrics) {
    this(client, publisher, publishWorker, states, referencePackage, clock, metrics, PackageOwnership.ALL);
  }

  /**
   * A poller that polls and publishes only the packages {@code ownership} says are this
   * instance's (the reference included), committing each batch with the offsets it gives.
   */
  public Poller(PypiStatsClient client, DownloadPublisher publisher, WorkerExecutor publishWorker,
      Map<String, PollerState> states, String referencePackage, Clock clock, PollMetrics metrics,
      PackageOwnership ownership) {
    this.ownership = ownership;
    this.client = client;
    this.publisher = publisher;
    this.publishWorker = publishWorker;
    this.referencePackage = referencePackage;
    this.clock = clock;
    this.metrics = metrics;
    this.states.putAll(states);
  }

  /** Stops between packages: the package in flight finishes, the rest of the cycle is skipped. */
  public void stop() {
    stopping = true;
  }

  /**
   * Takes over {@code adopted}: their states as committed in Kafka replace what this poller
   * remembered (another instance may have published them since). Before they are owned.
   */
  public void adopt(Map<String, PollerState> adopted) {
    adopted.keySet().forEach(pkg -> {
      unsettled.remove(pkg);
      aborted.remove(pkg);
    });
    states.putAll(adopted);
  }

  /** Forgets {@code moved}: another instance polls them now. */
  public void forget(Collection<String> moved) {
    moved.forEach(pkg -> {
      states.remove(pkg);
      unsettled.remove(pkg);
      aborted.remove(pkg);
    });
  }

  /** True if {@code pkg}'s last complete poll (its data reached the expected day) was on {@code day}, UTC. */
  public boolean polledCompletelyOn(String pkg, LocalDate day) {
    return states.getOrDefault(pkg, PollerState.EMPTY).lastSuccessfulPoll()
        .map(at -> LocalDate.ofInstant(at, ZoneOffset.UTC).equals(day)).orElse(false);
  }

  /** The metrics this poller updates. */
  public PollMetrics metrics() {
    return metrics;
  }

  /**
   * Polls {@code packages} one after another (the client paces requests anyway). Succeeds with a
   * report once every package was tried; never fails: failures are per package in the report.
   *
   * <p>The reference is fetched and its transaction committed before the first package of every
   * cycle (retries of late packages included): the rule engine reads it after a package's records,
   * so that package's days are judged with the reference's same days whenever the upstream had them.
   * It also tells whether the upstream has anything new: {@link NewsGate} holds back the packages
   * that cannot have news (reported behind and {@link CycleReport#waiting() waiting}).
   */
  public Future<CycleReport> poll(List<String> packages) {
    LocalDate expectedNewest = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
    metrics.cycles.incrementAndGet();
    return fetchReference(expectedNewest).compose(reference -> awaitReference(reference.check()).map(reference))
        .compose(reference -> {
      CycleReport report = new CycleReport(expectedNewest);
      NewsGate.Cycle decisions = gate.cycle(reference.check(), expectedNewest);
      return pollEach(packages.iterator(), reference.holes(), decisions, report)
          .compose(v -> pollAborted(reference.holes(), decisions, report)).map(v -> {
        logWaiting(reference.check(), report);
        return report;
      });
    });
  }

  /**
   * Sharded, on an instance that does not own the reference: waits (at most {@link
   * #REFERENCE_WAIT}) until the instance that does has committed the reference's newest day this
   * instance just fetched, so the rule stage reads a package's day after the reference's same day,
   * as with a single instance. Checked every {@link #REFERENCE_CHECK} on the publish worker.
   */
  private Future<Void> awaitReference(ReferenceCheck check) {
    if (referencePackage.isEmpty() || check.status() != ReferenceCheck.Status.ANSWERED) {
      return Future.succeededFuture();
    }
    String ref = PackageName.normalize(referencePackage);
    if (ownership.owns(ref)) {
      return Future.succeededFuture();
    }
    return publishWorker.<Void>executeBlocking(() -> {
      long deadline = System.nanoTime() + REFERENCE_WAIT.toNanos();
      boolean said = false;
      while (!stopping) {
        byte[] bytes = publisher.committedStateOfOther(ref);
        Optional<LocalDate> committed = bytes == null ? Optional.empty()
            : PollerState.fromBytes(bytes).newestDate(Endpoint.OVERALL);
        if (committed.isPresent() && !committed.get().isBefore(check.newest())) {
          return null;
        }
        if (System.nanoTime() - deadline > 0) {
          log.warn("the reference's {} is still not published by the poller instance owning it after {}; polling "
              + "this instance's packages anyway [reference: {}]", check.newest(), REFERENCE_WAIT, ref);
          return null;
        }
        if (!said) {
          said = true;
          log.info("waiting for the poller instance owning the reference to publish its {} [reference: {}]",
              check.newest(), ref);
        }
        RetryPolicy.pause(REFERENCE_CHECK);
      }
      return null;
    }).otherwise(err -> {
      log.warn("could not read the reference's published state, polling anyway: {}", err.toString());
      return null;
    });
  }

  private Future<Void> pollEach(Iterator<String> it, Set<LocalDate> holes, NewsGate.Cycle decisions,
      CycleReport report) {
    if (stopping || !it.hasNext()) {
      return Future.succeededFuture();
    }
    String pkg = it.next();
    if (!ownership.owns(pkg)) {
      return pollEach(it, holes, decisions, report); // moved to another instance during the cycle
    }
    if (!decisions.shouldPoll(pkg)) {
      // Nothing new upstream for it: one request (the reference) per retry, not three per package.
      report.waiting.add(pkg);
      report.behind.add(pkg);
      metrics.pollSkipped(pkg);
      return pollEach(it, holes, decisions, report);
    }
    return pollPackage(pkg, holes, decisions, report).compose(v -> pollEach(it, holes, decisions, report));
  }

  /**
   * At the end of a cycle, the packages whose batch a replacement of the producer may have aborted
   * and that were not polled since: each one's state is read back, and one that lacks what this
   * poller published (its batch was aborted after its commit had returned) is polled again now,
   * planned from the state read back, so that the lost batch is sent again, once. The reference's
   * is fetched again the way each cycle fetches it. One whose state cannot be read is behind (the
   * next retry reads it back first).
   */
  private Future<Void> pollAborted(Set<LocalDate> holes, NewsGate.Cycle decisions, CycleReport report) {
    Iterator<String> next = aborted.iterator();
    if (stopping || !next.hasNext()) {
      return Future.succeededFuture();
    }
    String pkg = next.next();
    aborted.remove(pkg);
    if (!ownership.owns(pkg)) {
      return pollAborted(holes, decisions, report);
    }
    PollerState published = states.getOrDefault(pkg, PollerState.EMPTY);
    return previousState(pkg).transform(ar -> {
      if (ar.failed()) {
        report.behind.add(pkg);
        log.warn("the state of a package whose batch may have been aborted could not be read back, will retry "
            + "[package: {}]: {}", pkg, ar.cause().toString());
        return Future.succeededFuture();
      }
      if (ar.result().equals(published)) {
        return Future.succeededFuture(); // its batches are all committed
      }
      log.warn("a batch of this package counted as published was aborted (the broker had lost its commit's "
          + "markers): polled again from its committed state [package: {}]", pkg);
      return !referencePackage.isEmpty() && pkg.equals(PackageName.normalize(referencePackage))
          ? fetchReference(report.expectedNewest).<Void>mapEmpty()
          : pollEach(List.of(pkg).iterator(), holes, decisions, report);
    }).compose(v -> pollAborted(holes, decisions, report));
  }

  /**
   * On the publish worker, after the publisher ran: the packages whose batch a replacement of its
   * producer may have aborted are read back before they are planned again, checked at the end of
   * the cycle, and no longer held back by the gate (their last poll may not be published).
   */
  private void noteAborted() {
    Set<String> hit = publisher.takeAborted(states.keySet());
    if (hit.isEmpty()) {
      return;
    }
    unsettled.addAll(hit);
    aborted.addAll(hit);
    hit.forEach(gate::unpublished);
    log.warn("the poller's producer aborted a transaction the broker had left open without markers, maybe a batch "
        + "counted as published: the state of {} package(s) of its partitions is read back before they are planned "
        + "again, and those that lack a batch are polled again this cycle", hit.size());
  }

  private void logWaiting(ReferenceCheck reference, CycleReport report) {
    if (report.waiting.isEmpty()) {
      return;
    }
    log.info("{} package(s) not polled, waiting for the upstream's {} ({}): the reference is asked "
        + "again at the next retry", report.waiting.size(), report.expectedNewest,
        reference.status() == ReferenceCheck.Status.DOWN ? "the upstream fails"
            : "the reference's newest day is " + reference.newest());
  }

  /** The reference's holes (null when unknown) and what it says about the upstream's day. */
  private record Reference(Set<LocalDate> holes, ReferenceCheck check) {}

  /**
   * Holes from the reference series (null when there is none or it could not be fetched), and
   * whether it has the expected day. The reference's own {@code overall} records are published too
   * (package {@code __all__}): the rule engine tells an ecosystem-wide fall (an upstream incident,
   * the holidays) from a package's own.
   */
  private Future<Reference> fetchReference(LocalDate expectedNewest) {
    if (referencePackage.isEmpty()) {
      return Future.succeededFuture(new Reference(null, ReferenceCheck.disabled()));
    }
    Instant fetchedAt = clock.instant();
    return client.fetchOverall(referencePackage, null).transform(ar -> {
      if (ar.succeeded()) {
        reachable();
      } else if (unreachable(ar.cause())) {
        return Future.succeededFuture(new Reference(null, ReferenceCheck.down()));
      }
      if (ar.succeeded() && ar.result() instanceof ApiResponse.Data<SeriesResponse> data) {
        List<DownloadRecord> records = normalize(referencePackage, Endpoint.OVERALL, data.value());
        Set<LocalDate> holes = ReferenceSeries.missingDates(records);
        ReferenceCheck check = newestOf(records).map(ReferenceCheck::answered).orElse(ReferenceCheck.unusable());
        return publishReference(records, data.url(), fetchedAt, holes, expectedNewest)
            .map(v -> new Reference(holes, check));
      }
      log.warn("reference series unavailable, treating days a package lacks entirely as unknown "
          + "[reference: {}, cause: {}]", referencePackage,
          ar.failed() ? ar.cause().getMessage() : ar.result().getClass().getSimpleName());
      boolean down = ar.failed() && ar.cause() instanceof PypiStatsException e && e.kind().retryable();
      return Future.succeededFuture(new Reference(null, down ? ReferenceCheck.down() : ReferenceCheck.unusable()));
    });
  }

  private static Optional<LocalDate> newestOf(List<DownloadRecord> records) {
    return records.stream().map(DownloadRecord::date).max(LocalDate::compareTo);
  }

  private Future<Void> publishReference(List<DownloadRecord> records, String url, Instant fetchedAt,
      Set<LocalDate> holes, LocalDate expectedNewest) {
    String pkg = PackageName.normalize(referencePackage);
    if (!ownership.owns(pkg)) {
      return Future.succeededFuture(); // the instance owning its partition publishes it
    }
    PackageSnapshot snapshot = PackageSnapshot.at(fetchedAt).with(Endpoint.OVERALL, url, records);
    // Only overall is fetched for the reference: its other endpoints' "no data" is expected.
    return previousState(pkg)
        .compose(previous -> publish(pkg, planner.plan(pkg, snapshot, previous, holes, expectedNewest)))
        .otherwise(err -> {
      if (err instanceof PublishException e && e.moved()) {
        log.info("reference series not published: its partition moved to another poller instance, which "
            + "publishes it [package: {}]", pkg);
        return null;
      }
      log.warn("reference series not published, will retry next cycle [package: {}]: {}", pkg,
          err.getMessage());
      return null;
    });
  }

  private Future<Void> pollPackage(String pkg, Set<LocalDate> holes, NewsGate.Cycle decisions,
      CycleReport report) {
    Instant fetchedAt = clock.instant();
    aborted.remove(pkg); // its state is read back before it is planned (unsettled)
    metrics.pollMade(pkg);
    List<Future<Fetched>> fetches = new ArrayList<>();
    FETCHED.forEach(e -> fetches.add(fetch(pkg, e)));
    return Future.join(fetches).transform(ignored -> {
      List<Fetched> fetched = fetches.stream().map(Future::result).toList();
      return decideAndPublish(pkg, fetchedAt, fetched, holes, report).map(poll -> {
        if (decisions.polled(pkg, poll)) {
          log.info("the upstream has news the reference does not show (it answered, newest day {}): "
              + "every package of this cycle is polled [package: {}, reference: {}]", poll.newest(), pkg,
              referencePackage);
        }
        return (Void) null;
      });
    });
  }

  private Future<Fetched> fetch(String pkg, Endpoint endpoint) {
    Future<ApiResponse<SeriesResponse>> f = switch (endpoint) {
      case OVERALL -> client.fetchOverall(pkg, null);
      case PYTHON_MINOR -> client.fetchPythonMinor(pkg, null);
      case SYSTEM -> client.fetchSystem(pkg, null);
      default -> throw new IllegalArgumentException("not fetched: " + endpoint);
    };
    return f.transform(ar -> Future.succeededFuture(
        new Fetched(endpoint, ar.succeeded() ? ar.result() : null, ar.cause())));
  }

  /** Plans and publishes one package's poll; never fails: what the gate needs to know is the result. */
  private Future<NewsGate.PackagePoll> decideAndPublish(String pkg, Instant fetchedAt, List<Fetched> fetched,
      Set<LocalDate> holes, CycleReport report) {
    metrics.packagePolls.incrementAndGet();
    PackageSnapshot snapshot = PackageSnapshot.at(fetchedAt);
    boolean failed = false;
    boolean answered = false;
    for (Fetched f : fetched) {
      if (f.failure() != null) {
        failed = true;
        metrics.fetchFailures.incrementAndGet();
        if (!unreachable(f.failure())) {
          log.warn("fetch failed, will retry [package: {}, endpoint: {}]: {}", pkg, f.endpoint(),
              f.failure().getMessage());
        }
        continue;
      }
      answered = true;
      reachable();
      if (f.response() instanceof ApiResponse.Data<SeriesResponse> data) {
        snapshot = snapshot.with(f.endpoint(), data.url(), normalize(pkg, f.endpoint(), data.value()));
      }
    }
    if (isUnknownPackage(fetched)) {
      report.invalid.add(pkg);
      metrics.invalid.add(pkg);
      metrics.polled(pkg, PollListener.Outcome.INVALID, clock.instant());
      if (reported.add("invalid|" + pkg)) {
        log.error("invalid watchlist entry: the upstream does not know this package (404 from "
            + "overall, no data elsewhere) [package: {}]; the other packages are still polled", pkg);
      }
      return Future.succeededFuture(new NewsGate.PackagePoll(false, true, null));
    }
    metrics.invalid.remove(pkg);
    Set<LocalDate> effectiveHoles = holes != null ? holes : packageLevelHoles(snapshot);
    PackageSnapshot fetchedSnapshot = snapshot;
    boolean fetchFailed = failed;
    boolean logged = answered; // with nothing fetched, "no data" would be misleading
    LocalDate newest = newestOf(snapshot.get(Endpoint.OVERALL).map(FetchedSeries::records).orElse(List.of()))
        .orElse(null);
    return previousState(pkg).compose(previous -> {
      PollResult result = planner.plan(pkg, fetchedSnapshot, previous, effectiveHoles, report.expectedNewest);
      if (logged) {
        logDiagnostics(pkg, result);
      }
      return publish(pkg, result).map(v -> result);
    }).map(result -> {
      boolean fresh = result.fresh() && !fetchFailed;
      (fresh ? report.fresh : report.behind).add(pkg);
      (fresh ? report.behind : report.fresh).remove(pkg); // polled twice in a cycle: the last poll counts
      if (fresh) {
        metrics.stale.remove(pkg);
        metrics.lastSuccessEpochSecond.set(clock.instant().getEpochSecond());
      }
      metrics.polled(pkg, fresh ? PollListener.Outcome.FRESH
          : fetchFailed ? PollListener.Outcome.FAILED : PollListener.Outcome.BEHIND, clock.instant());
      return new NewsGate.PackagePoll(!fetchFailed && !result.transientEmpty(), logged, newest);
    }).recover(err -> {
      if (err instanceof PublishException e && e.moved()) {
        log.info("not published: the package moved to another poller instance, which polls it [package: {}]", pkg);
        return Future.succeededFuture(new NewsGate.PackagePoll(false, logged, newest));
      }
      metrics.publishFailures.incrementAndGet();
      report.behind.add(pkg);
      report.fresh.remove(pkg);
      metrics.polled(pkg, PollListener.Outcome.FAILED, clock.instant());
      log.error("publish failed, {}; will retry [package: {}]: {}", unsettled.contains(pkg)
          ? "it may have gone through: the committed state is read back first" : "nothing of this poll is visible",
          pkg, err.getMessage());
      return Future.succeededFuture(new NewsGate.PackagePoll(false, logged, newest));
    });
  }

  /**
   * The body's records; rejected rows are counted, and logged once per body with where the first
   * was (a bad category usually repeats on every day: one line, not 180).
   */
  private List<DownloadRecord> normalize(String pkg, Endpoint endpoint, SeriesResponse body) {
    NormalizedSeries normalized = Normalizer.series(pkg, endpoint, body);
    List<RejectedRow> rejected = normalized.rejected();
    if (!rejected.isEmpty()) {
      metrics.rowsRejected.addAndGet(rejected.size());
      RejectedRow first = rejected.get(0);
      String where = rejected.size() == 1 ? first.path()
          : first.path() + " and " + (rejected.size() - 1) + " more rows";
      log.error("upstream row rejected, the rest of the body is used [package: {}, endpoint: {}, "
          + "path: {}]: {}", PackageName.normalize(pkg), endpoint, where, first.problem());
    }
    return normalized.records();
  }

  /**
   * What the package's next batch is planned from: the state of its last published batch, or,
   * after a batch whose commit had an unknown outcome, the state committed in Kafka.
   */
  private Future<PollerState> previousState(String pkg) {
    if (!unsettled.contains(pkg)) {
      return Future.succeededFuture(states.getOrDefault(pkg, PollerState.EMPTY));
    }
    return publishWorker.<byte[]>executeBlocking(() -> {
      byte[] committed = publisher.committedState(pkg); // after the settling (and any abort) it does
      noteAborted();
      return committed;
    }).map(bytes -> {
      PollerState committed = bytes == null ? PollerState.EMPTY : PollerState.fromBytes(bytes);
      states.put(pkg, committed);
      unsettled.remove(pkg);
      log.info("state read back after a commit of unknown outcome or an aborted hanging transaction [package: {}]",
          pkg);
      return committed;
    });
  }

  private Future<Void> publish(String pkg, PollResult result) {
    PollerState previous = states.getOrDefault(pkg, PollerState.EMPTY);
    if (result.observations().isEmpty() && result.recent().isEmpty() && result.state().equals(previous)) {
      return Future.succeededFuture();
    }
    List<DownloadObservation> obs = result.observations();
    byte[] state = result.state().toBytes();
    return publishWorker.<Void>executeBlocking(() -> {
      if (!ownership.begin(pkg)) {
        throw PublishException.moved(pkg, obs.size());
      }
      try {
        publisher.publishBatch(pkg, obs, result.recent().stream().toList(), state, () -> ownership.commitWith(pkg));
      } finally {
        ownership.end(pkg);
        noteAborted();
      }
      return null;
    }).onFailure(err -> {
      if (err instanceof PublishException e && e.outcomeUnknown()) {
        unsettled.add(pkg);
      }
    }).onSuccess(v -> {
      states.put(pkg, result.state());
      metrics.recordsPublished.addAndGet(obs.size());
      metrics.revisionsPublished.addAndGet(obs.stream().filter(DownloadObservation::isRevision).count());
      metrics.zeroFilledPublished.addAndGet(obs.stream().filter(o -> o.origin() == Origin.ZERO_FILLED).count());
      metrics.recentPublished.addAndGet(result.recent().isPresent() ? 1 : 0);
      if (!obs.isEmpty()) {
        log.info("published [package: {}, records: {}, revisions: {}]", pkg, obs.size(),
            obs.stream().filter(DownloadObservation::isRevision).count());
      }
    });
  }

  // The upstream answers 404 from overall for a name it does not know, empty 200 elsewhere.
  private static boolean isUnknownPackage(List<Fetched> fetched) {
    return fetched.stream().allMatch(f -> f.failure() == null
        && (f.response() instanceof ApiResponse.NotFound<?> || f.response() instanceof ApiResponse.NoData<?>))
        && fetched.stream().anyMatch(f -> f.response() instanceof ApiResponse.NotFound<?>);
  }

  private static Set<LocalDate> packageLevelHoles(PackageSnapshot snapshot) {
    List<DownloadRecord> overall = snapshot.get(Endpoint.OVERALL).map(FetchedSeries::records).orElse(List.of());
    return ReferenceSeries.missingDates(overall);
  }

  private void logDiagnostics(String pkg, PollResult result) {
    if (result.transientEmpty()) {
      metrics.transientEmpties.incrementAndGet();
      log.warn("empty answer for a package that has data: kept the previous data, will retry "
          + "[package: {}]", pkg);
    }
    for (LocalDate hole : result.holesSkipped()) {
      if (reported.add("hole|" + hole)) {
        log.warn("upstream hole: {} is missing for every package; nothing is published for it", hole);
      }
    }
    for (LocalDate day : result.unknownDates()) {
      if (reported.add("unknown|" + pkg + "|" + day)) {
        log.warn("missing day too busy to be a zero, left unknown [package: {}, date: {}]", pkg, day);
      }
    }
    result.warnings().forEach(w -> log.info("{} [package: {}]", w, pkg));
  }

  /**
   * True if {@code failure} means the upstream cannot be reached at all (no connection: DNS,
   * refused, reset): said once, clearly, until it answers again, instead of a warning per request.
   */
  private boolean unreachable(Throwable failure) {
    if (!(failure instanceof PypiStatsException e) || e.kind() != PypiStatsException.Kind.CONNECTION) {
      return false;
    }
    String cause = e.detail();
    if (metrics.unreachable.compareAndSet(null, cause)) {
      log.error("the PyPI Stats API cannot be reached ({}): nothing can be fetched until it answers. Is this "
          + "machine offline, or api.base-url wrong? Every poll cycle tries again; /ready reports it.", cause);
    } else {
      log.debug("still unreachable: {}", e.getMessage());
    }
    return true;
  }

  private void reachable() {
    String was = metrics.unreachable.getAndSet(null);
    if (was != null) {
      log.info("the PyPI Stats API answers again");
    }
  }

  private record Fetched(Endpoint endpoint, ApiResponse<SeriesResponse> response, Throwable failure) {}

  /** The outcome of one {@link #poll} call. */
  public static final class CycleReport {
    final LocalDate expectedNewest;
    final Set<String> fresh = ConcurrentHashMap.newKeySet();
    final Set<String> behind = ConcurrentHashMap.newKeySet();
    final Set<String> invalid = ConcurrentHashMap.newKeySet();
    final Set<String> waiting = ConcurrentHashMap.newKeySet();

    CycleReport(LocalDate expectedNewest) {
      this.expectedNewest = expectedNewest;
    }

    /** The newest day the upstream was expected to have. */
    public LocalDate expectedNewest() {
      return expectedNewest;
    }

    /** Packages whose data reached the expected day and were published. */
    public Set<String> fresh() {
      return Set.copyOf(fresh);
    }

    /** Packages to poll again: late data, transient empties, failed fetches or publications, waiting. */
    public Set<String> behind() {
      return Set.copyOf(behind);
    }

    /**
     * Packages not polled this cycle because the upstream had nothing new for them (the reference
     * lacks the expected day and they already have its newest, or the upstream fails); also behind.
     */
    public Set<String> waiting() {
      return Set.copyOf(waiting);
    }

    /** Packages the upstream does not know. */
    public Set<String> invalid() {
      return Set.copyOf(invalid);
    }
  }
}

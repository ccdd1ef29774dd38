package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.simulate.Answer;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.Upstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated week of {@value #PACKAGES} packages with one late upstream day and one outage,
 * counting every request the upstream receives: on average at most 3.1 a package a day, every day
 * published once, and the polls the reference saved are counted.
 *
 * <p>Time is simulated: the clock's day moves by hand and the late day and the outage end after a
 * number of poll cycles, not of seconds. With the default {@code freshness-retry: 15m} doubling
 * to {@code 2h} after a 02:00 poll, the late day's {@value #LATE_CYCLES} cycles without the day are
 * 02:00-05:45 (the day appears ~5-7 h late) and the outage's {@value #OUTAGE_CYCLES} failing
 * cycles are 02:00-03:45 (503s for ~2-4 h). The retries themselves wait 100 ms doubling to 800 ms.
 * The client keeps its default 5 attempts per request.
 */
class RequestBudgetIT {
  static final int PACKAGES = 100;
  static final int DAYS = 7;
  static final LocalDate START = LocalDate.of(2026, 4, 6);
  static final int LATE_DAY = 2;
  static final int LATE_CYCLES = 5;
  static final int OUTAGE_DAY = 4;
  static final int OUTAGE_CYCLES = 4;
  static final double TARGET = 3.1;
  static final Duration WAIT = Duration.ofSeconds(180);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void aWeekWithALateDayAndAnOutageCostsAtMostThreePointOneRequestsAPackageADay() throws Exception {
    List<String> names = IntStream.range(0, PACKAGES).mapToObj(i -> String.format("pkg-%03d", i)).toList();
    SimulatedUpstream sim = new SimulatedUpstream(15).windowDays(30).setToday(START);
    for (int i = 0; i < PACKAGES; i++) {
      sim.addPackage(names.get(i), Profile.busy(2_000 + 997 * i));
    }
    OutageUpstream faulty = new OutageUpstream(sim);
    FakePypiStats upstream = FakePypiStats.startBlocking(kafka.vertx()).serve(faulty);
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    AppConfig config = config(upstream.baseUrl(), names);
    SimulatedDayClock clock = new SimulatedDayClock(START);
    Service service = kafka.startService(config, clock);
    DayWatcher watcher = new DayWatcher();
    service.metrics().addListener(watcher);

    long[] perDay = new long[DAYS];
    for (int i = 0; i < DAYS; i++) {
      LocalDate day = START.plusDays(i);
      sim.setToday(day);
      clock.setDay(day);
      watcher.expect(day.minusDays(1));
      if (i == LATE_DAY) {
        sim.lag(1);
        watcher.afterCycles(LATE_CYCLES, () -> sim.lag(0));
      } else if (i == OUTAGE_DAY) {
        faulty.down = true;
        watcher.afterCycles(OUTAGE_CYCLES, () -> faulty.down = false);
      }
      int before = upstream.requests().size();
      Await.result(service.poller().pollNow(), WAIT);
      Await.until(() -> watcher.fresh.containsAll(names), WAIT,
          () -> day + ": fresh " + watcher.fresh.size() + " of " + PACKAGES + ", cycles " + watcher.cycles);
      Await.result(service.poller().idle(), WAIT);
      perDay[i] = upstream.requests().size() - before;
    }

    long total = upstream.requests().size();
    long skipped = service.metrics().snapshot().get("pypiwatch_package_polls_skipped_total");
    double average = (double) total / (PACKAGES * DAYS);
    // Each skipped poll would have cost its three requests at least (more with the client's
    // attempts during the outage): a lower bound of the cost before the gate.
    double before = (double) (total + 3 * skipped) / (PACKAGES * DAYS);
    System.out.printf("requests per day %s; total %d for %d packages x %d days: %.3f a package a day; "
        + "polls skipped %d; without the gate at least %.3f%n", java.util.Arrays.toString(perDay), total,
        PACKAGES, DAYS, average, skipped, before);
    assertTrue(average <= TARGET, "requests a package a day: " + average);
    assertTrue(before > TARGET, "the old behaviour costs more: " + before);
    // Late day: a probe on cycles 1 and 5, the others wait in cycles 1-5; the outage: a probe on
    // cycle 1 that fails, everybody waits in cycles 2-4.
    assertEquals(2L * (PACKAGES - 1) + 3L * PACKAGES + (PACKAGES - 1) + 3L * PACKAGES, skipped);
    assertEquals(0L, service.metrics().snapshot().get("pypiwatch_packages_waiting_for_upstream"));

    KafkaClients clients = new KafkaClients(config.kafka(), service.bootstrapServers());
    KafkaTesting.awaitSettled(clients, config.kafka().topics().downloads(), WAIT);
    PublishedDownloads seen = PublishedDownloads.of(
        KafkaTesting.consumeToEnd(clients, config.kafka().topics().downloads(), WAIT));
    seen.assertNoDuplicateFacts();
    for (String pkg : names) {
      seen.assertMatchesUpstream(sim, pkg);
      for (int i = 0; i < DAYS; i++) {
        LocalDate day = START.plusDays(i - 1);
        assertTrue(seen.latest().containsKey(new PublishedDownloads.Key(pkg, Endpoint.OVERALL, "without_mirrors",
            day)), pkg + " " + day + " is on the downloads topic");
      }
    }
  }

  /** The simulator, or the real server's 503 for every request while {@link #down}. */
  private static final class OutageUpstream implements Upstream {
    private final Upstream sim;
    volatile boolean down;

    OutageUpstream(Upstream sim) {
      this.sim = sim;
    }

    @Override
    public Answer answer(String pkg, Endpoint endpoint, Map<String, String> query) {
      return down ? Answer.text(503, "503 TEMPORARILY DISABLED") : sim.answer(pkg, endpoint, query);
    }

    @Override
    public LocalDate today() {
      return sim.today();
    }

    @Override
    public void advance(int days) {
      sim.advance(days);
    }

    @Override
    public List<String> packages() {
      return sim.packages();
    }
  }

  /**
   * Hears the cycles of the simulated day: which packages are fresh, and ends the day's fault
   * after a number of cycles (on the poller's thread, before the next retry is scheduled).
   */
  private static final class DayWatcher implements PollListener {
    final Set<String> fresh = ConcurrentHashMap.newKeySet();
    volatile int cycles;
    private volatile LocalDate expected;
    private volatile int endAfter;
    private volatile Runnable endFault;

    void expect(LocalDate newest) {
      fresh.clear();
      cycles = 0;
      endFault = null;
      expected = newest;
    }

    void afterCycles(int n, Runnable end) {
      endAfter = n;
      endFault = end;
    }

    @Override
    public void polled(String pkg, Outcome outcome, Instant at) {}

    @Override
    public void cycleFinished(Poller.CycleReport report) {
      if (!report.expectedNewest().equals(expected)) {
        return;
      }
      fresh.addAll(report.fresh());
      cycles++;
      Runnable end = endFault;
      if (end != null && cycles == endAfter) {
        end.run();
      }
    }
  }

  private AppConfig config(String upstream, List<String> names) throws Exception {
    String p = "budget" + System.nanoTime();
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, initial-backoff: 10ms, max-backoff: 20ms, request-timeout: 10s}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: %s.downloads, recent: %s.recent, poller-state: %s.state, alerts: %s.alerts}
        poller: {poll-on-start: false, freshness-retry: 100ms, freshness-retry-max: 800ms,
                 freshness-deadline: 10m, transactional-id: %s-poller}
        http: {port: 0}
        rule-engine: {enabled: false, group-id: %s-rules, transactional-id-prefix: %s-rules}
        watchlist: [%s]
        """.formatted(upstream, kafka.bootstrapServers(), p, p, p, p, p, p, p, String.join(", ", names)));
    return ConfigLoader.load(file, Map.of());
  }
}

package dev.pypiwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Normalizer;
import dev.pypiwatch.ingest.PackageSnapshot;
import dev.pypiwatch.ingest.PollPlanner;
import dev.pypiwatch.ingest.PollResult;
import dev.pypiwatch.ingest.PollerState;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** PollPlanner.plan for a busy package (first and steady-state poll) vs Jackson readTree of its three bodies. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class PollPlannerBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PKG = "busy";
  private static final int DAYS = 181;
  private static final LocalDate FIRST = LocalDate.of(2025, 1, 1);
  private static final PollPlanner PLANNER = new PollPlanner();

  private byte[][] bodies; // the steady-state poll's overall, python_minor, system bodies
  private PackageSnapshot firstPoll;
  private PackageSnapshot nextPoll;
  private PollerState afterFirst;

  @Setup
  public void setUp() {
    firstPoll = snapshot(bodies(FIRST), Instant.parse("2025-07-01T02:00:00Z"));
    bodies = bodies(FIRST.plusDays(1));
    nextPoll = snapshot(bodies, Instant.parse("2025-07-02T02:00:00Z"));
    PollResult first = planFirstPoll();
    afterFirst = first.state();
    PollResult next = planSteadyPoll();
    // 22 series fetched + 3 derived python_major ones: all published first, one day each next.
    check(first.fresh() && first.observations().size() == 25 * DAYS, "first poll: " + first);
    check(next.fresh() && next.observations().size() == 25, "steady poll: " + next);
  }

  private static byte[][] bodies(LocalDate first) {
    return new byte[][] {
      SeriesBodies.body(PKG, "overall_downloads", SeriesBodies.OVERALL, first, DAYS),
      SeriesBodies.body(PKG, "python_minor_downloads", SeriesBodies.MINOR_15, first, DAYS),
      SeriesBodies.body(PKG, "system_downloads", SeriesBodies.SYSTEM, first, DAYS)};
  }

  private static PackageSnapshot snapshot(byte[][] bodies, Instant at) {
    PackageSnapshot s = PackageSnapshot.at(at);
    List<Endpoint> endpoints = List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);
    for (int i = 0; i < 3; i++) {
      Endpoint e = endpoints.get(i);
      s = s.with(e, "https://pypistats.org/api/packages/" + PKG + "/" + e.path(),
          Normalizer.series(PKG, e, ResponseParser.parseSeries(bodies[i])).records());
    }
    return s;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("unexpected plan, " + what);
    }
  }

  /** First poll of the package: empty state, every day of every series published. */
  @Benchmark
  public PollResult planFirstPoll() {
    return PLANNER.plan(PKG, firstPoll, PollerState.EMPTY, Set.of(), FIRST.plusDays(DAYS - 1));
  }

  /** Next day's poll: window moved by one day, one new day per series. */
  @Benchmark
  public PollResult planSteadyPoll() {
    return PLANNER.plan(PKG, nextPoll, afterFirst, Set.of(), FIRST.plusDays(DAYS));
  }

  /** What precedes planning: our parse + normalize of the three bodies into a snapshot. */
  @Benchmark
  public PackageSnapshot parseNormalizeSnapshot() {
    return snapshot(bodies, Instant.parse("2025-07-02T02:00:00Z"));
  }

  /** Reference: Jackson tree model of the same three bodies. */
  @Benchmark
  public void refJacksonReadTree(Blackhole bh) throws IOException {
    for (byte[] b : bodies) {
      bh.consume(MAPPER.readTree(b));
    }
  }
}

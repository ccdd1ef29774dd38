package dev.pypiwatch.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.api.ApiResponse;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.simulate.SimulatedUpstream.Recent;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The upstream model: consistent counts, real body shapes, quirks, and the real client (through a fault-injecting fake). */
@ExtendWith(VertxExtension.class)
class SimulatedUpstreamTest {
  private static final LocalDate TODAY = LocalDate.of(2025, 7, 1);
  private static final List<Endpoint> SERIES = List.of(Endpoint.OVERALL, Endpoint.PYTHON_MAJOR,
      Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  private FakePypiStats fake;
  private PypiStatsClient client;
  private SimulatedUpstream sim;

  @BeforeEach
  void start(Vertx vertx) {
    fake = FakePypiStats.startBlocking(vertx);
    ApiConfig fast = new ApiConfig(fake.baseUrl(), "", Duration.ZERO, 4, Duration.ofSeconds(2), 3,
        Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(50), 4L * 1024 * 1024);
    client = new PypiStatsClient(vertx, fast);
    sim = new SimulatedUpstream(42)
        .addPackage("busy", Profile.busy(20_000))
        .addPackage("tiny", Profile.tiny(3))
        .addPackage("flat", Profile.constant(1000));
    fake.serve(sim);
  }

  @AfterEach
  void stop() {
    client.close();
    Await.result(fake.stop());
  }

  private static SeriesResponse parse(String body) {
    return ResponseParser.parseSeries(body);
  }

  /** Parsed rows as category -> date -> downloads. */
  private static Map<String, Map<LocalDate, Long>> table(String body) {
    Map<String, Map<LocalDate, Long>> out = new TreeMap<>();
    for (SeriesRow r : parse(body).rows()) {
      Long old = out.computeIfAbsent(r.category(), k -> new TreeMap<>()).put(r.date(), r.downloads());
      assertEquals(null, old, "duplicate row " + r);
    }
    return out;
  }

  private static long cell(Map<String, Map<LocalDate, Long>> t, String category, LocalDate d) {
    return t.getOrDefault(category, Map.of()).getOrDefault(d, 0L);
  }

  @Test
  void everyEndpointAgreesOnEveryDayInTheBodies() {
    sim.setToday(TODAY);
    assertEquals(181, sim.publishedDates().size());
    for (String pkg : List.of("busy", "tiny", "flat", SimulatedUpstream.ALL)) {
      var overall = table(sim.body(pkg, Endpoint.OVERALL));
      var major = table(sim.body(pkg, Endpoint.PYTHON_MAJOR));
      var minor = table(sim.body(pkg, Endpoint.PYTHON_MINOR));
      var system = table(sim.body(pkg, Endpoint.SYSTEM));
      for (LocalDate d : sim.publishedDates()) {
        long without = cell(overall, "without_mirrors", d);
        long with = cell(overall, "with_mirrors", d);
        assertTrue(with >= without, pkg + " " + d);
        assertEquals(without, system.keySet().stream().mapToLong(c -> cell(system, c, d)).sum());
        assertEquals(without, minor.keySet().stream().mapToLong(c -> cell(minor, c, d)).sum());
        Map<String, Long> byMajor = new TreeMap<>();
        minor.keySet().forEach(c -> byMajor.merge(SimulatedDay.majorOf(c), cell(minor, c, d),
            Long::sum));
        byMajor.values().removeIf(v -> v == 0);
        Map<String, Long> majors = new TreeMap<>();
        major.keySet().forEach(c -> majors.put(c, cell(major, c, d)));
        majors.values().removeIf(v -> v == 0);
        assertEquals(byMajor, majors, pkg + " " + d);
        for (Endpoint e : SERIES) {
          var t = table(sim.body(pkg, e));
          for (String c : t.keySet()) {
            assertEquals(cell(t, c, d), sim.count(pkg, e, c, d), pkg + " " + e + " " + c + " " + d);
          }
        }
      }
    }
  }

  @Test
  void profilesLookLikeTheirTiers() {
    sim.setToday(TODAY);
    List<LocalDate> dates = sim.publishedDates();
    long busyWeekday = 0;
    long busyWeekend = 0;
    int weekdays = 0;
    for (LocalDate d : dates) {
      long n = sim.count("busy", Endpoint.OVERALL, "without_mirrors", d);
      long w = sim.count("busy", Endpoint.OVERALL, "with_mirrors", d);
      assertTrue(w >= n * 1.005 && w <= n * 1.035, d + ": " + n + " / " + w);
      if (d.getDayOfWeek().getValue() >= 6) {
        busyWeekend += n;
      } else {
        busyWeekday += n;
        weekdays++;
      }
      assertEquals(1000, sim.count("flat", Endpoint.OVERALL, "without_mirrors", d));
      assertTrue(sim.hasRow("busy", Endpoint.PYTHON_MAJOR, "2", d));
    }
    double weekdayMean = (double) busyWeekday / weekdays;
    double weekendMean = (double) busyWeekend / (dates.size() - weekdays);
    assertTrue(weekdayMean > 18_000 && weekdayMean < 22_000, "weekday mean " + weekdayMean);
    assertTrue(weekendMean / weekdayMean < 0.7, "weekend ratio " + weekendMean / weekdayMean);
    assertEquals(Set.of("2", "3", "unknown"),
        sim.normalizedCategories("busy", Endpoint.PYTHON_MAJOR));
    assertEquals(Set.of("darwin", "linux", "other", "unknown", "windows"),
        sim.normalizedCategories("busy", Endpoint.SYSTEM));
    assertEquals(Set.of("with_mirrors", "without_mirrors"),
        sim.normalizedCategories("busy", Endpoint.OVERALL));
  }

  @Test
  void tinyPackagesHaveMissingRows() {
    sim.setToday(TODAY);
    List<LocalDate> dates = sim.publishedDates();
    long missingDays = dates.stream()
        .filter(d -> !sim.hasRow("tiny", Endpoint.OVERALL, "without_mirrors", d)).count();
    assertTrue(missingDays >= 10 && missingDays < 120, "missing days " + missingDays);
    var system = table(sim.body("tiny", Endpoint.SYSTEM));
    assertTrue(system.get("Windows").size() < dates.size() / 2, "Windows rows " + system);
    for (LocalDate d : dates) {
      if (!sim.hasRow("tiny", Endpoint.OVERALL, "without_mirrors", d)) {
        for (Endpoint e : SERIES) {
          assertEquals(Map.of(), sim.counts("tiny", e, d), e + " " + d);
        }
      }
    }
    assertTrue(parse(sim.body("tiny", Endpoint.OVERALL)).rows().size() < 2 * dates.size());
  }

  @Test
  void holesAreMissingForEverybodyButAllHasEveryOtherDay() {
    LocalDate hole = TODAY.minusDays(40);
    sim.hole(hole).setToday(TODAY);
    assertEquals(Set.of(hole), sim.holes());
    assertEquals(180, sim.publishedDates().size());
    assertFalse(sim.publishedDates().contains(hole));
    for (String pkg : List.of("busy", "tiny", "flat", SimulatedUpstream.ALL)) {
      for (Endpoint e : SERIES) {
        assertTrue(parse(sim.body(pkg, e)).rows().stream().noneMatch(r -> r.date().equals(hole)),
            pkg + " " + e);
      }
    }
    var all = table(sim.body(SimulatedUpstream.ALL, Endpoint.OVERALL));
    assertEquals(sim.publishedDates(), List.copyOf(all.get("without_mirrors").keySet()));
    LocalDate d = TODAY.minusDays(3);
    long sum = SimulatedUpstream.ALL_BASE;
    for (String pkg : sim.packages()) {
      sum += sim.count(pkg, Endpoint.OVERALL, "without_mirrors", d);
    }
    assertEquals(sum, cell(all, "without_mirrors", d));

    sim.nextDay().nextDay();
    assertFalse(sim.publishedDates().contains(hole), "a hole is forever");
    assertEquals(TODAY.plusDays(1), sim.newestDate());
  }

  @Test
  void dropDayRemovesOnePackagesDayOnly() {
    LocalDate d = TODAY.minusDays(10);
    sim.setToday(TODAY).dropDay("busy", d);
    for (Endpoint e : SERIES) {
      assertEquals(Map.of(), sim.counts("busy", e, d));
      assertTrue(parse(sim.body("busy", e)).rows().stream().noneMatch(r -> r.date().equals(d)));
    }
    assertTrue(sim.hasRow("flat", Endpoint.SYSTEM, "Linux", d));
    assertTrue(sim.publishedDates().contains(d));
    assertTrue(sim.hasRow(SimulatedUpstream.ALL, Endpoint.OVERALL, "without_mirrors", d));
  }

  @Test
  void reviseChangesTheDayConsistentlyAcrossEndpoints() {
    LocalDate d = TODAY.minusDays(5);
    sim.setToday(TODAY);
    Map<Endpoint, Map<String, Long>> before = new HashMap<>();
    SERIES.forEach(e -> before.put(e, sim.counts("busy", e, d)));
    long allBefore = sim.count(SimulatedUpstream.ALL, Endpoint.OVERALL, "without_mirrors", d);

    sim.revise("busy", d, 500);

    assertEquals(before.get(Endpoint.OVERALL).get("without_mirrors") + 500,
        table(sim.body("busy", Endpoint.OVERALL)).get("without_mirrors").get(d));
    assertEquals(before.get(Endpoint.OVERALL).get("with_mirrors") + 500,
        sim.count("busy", Endpoint.OVERALL, "with_mirrors", d));
    assertEquals(before.get(Endpoint.SYSTEM).get("Linux") + 500,
        sim.count("busy", Endpoint.SYSTEM, "Linux", d));
    assertEquals(before.get(Endpoint.PYTHON_MINOR).get("3.12") + 500,
        sim.count("busy", Endpoint.PYTHON_MINOR, "3.12", d));
    assertEquals(before.get(Endpoint.PYTHON_MAJOR).get("3") + 500,
        sim.count("busy", Endpoint.PYTHON_MAJOR, "3", d));
    assertEquals(before.get(Endpoint.SYSTEM).get("Windows"),
        sim.count("busy", Endpoint.SYSTEM, "Windows", d));
    assertEquals(allBefore + 500,
        sim.count(SimulatedUpstream.ALL, Endpoint.OVERALL, "without_mirrors", d));
    assertEquals(before.get(Endpoint.OVERALL).get("without_mirrors") + 500,
        sim.count("busy", Endpoint.OVERALL, "without_mirrors", d), "kept on the next day");

    sim.nextDay();
    assertEquals(before.get(Endpoint.SYSTEM).get("Linux") + 500,
        sim.count("busy", Endpoint.SYSTEM, "Linux", d), "a revision stays");
    assertThrows(IllegalArgumentException.class, () -> sim.revise("flat", d, -2000));
    assertEquals(1000, sim.count("flat", Endpoint.OVERALL, "without_mirrors", d));
  }

  @Test
  void bodiesHaveTheRealShape() {
    sim.setToday(TODAY);
    for (Endpoint e : SERIES) {
      String body = sim.body("busy", e);
      assertFalse(body.contains(" ") || body.contains("\n"), "compact");
      assertTrue(body.startsWith("{\"data\":[{\"category\":"), body.substring(0, 40));
      assertTrue(body.endsWith("],\"package\":\"busy\",\"type\":\"" + e.path() + "_downloads\"}"));
      SeriesResponse s = parse(body);
      assertEquals("busy", s.packageName());
      assertEquals(e.path() + "_downloads", s.type());
      List<SeriesRow> sorted = new ArrayList<>(s.rows());
      sorted.sort(Comparator.comparing(SeriesRow::category).thenComparing(SeriesRow::date));
      assertEquals(sorted, s.rows(), "ordered by category then date");
    }
    List<String> systemOrder = parse(sim.body("busy", Endpoint.SYSTEM)).rows().stream()
        .map(SeriesRow::category).distinct().toList();
    assertEquals(List.of("Darwin", "Linux", "Windows", "null", "other"), systemOrder);
    List<String> minorOrder = parse(sim.body("busy", Endpoint.PYTHON_MINOR)).rows().stream()
        .map(SeriesRow::category).distinct().toList();
    assertEquals(List.of("2.7", "3.10", "3.11", "3.12", "3.13", "3.9", "null"), minorOrder);
    assertEquals(Map.of("3", sim.count("busy", Endpoint.PYTHON_MAJOR, "3", TODAY.minusDays(1)),
            "2", sim.count("busy", Endpoint.PYTHON_MAJOR, "2", TODAY.minusDays(1)),
            Categories.UNKNOWN, sim.count("busy", Endpoint.PYTHON_MAJOR, "null", TODAY.minusDays(1))),
        sim.normalizedCounts("busy", Endpoint.PYTHON_MAJOR, TODAY.minusDays(1)));
  }

  @Test
  void recentSumsTheNewestDaysWithoutMirrors() {
    sim.setToday(TODAY).lag(2);
    LocalDate newest = TODAY.minusDays(3);
    assertEquals(newest, sim.newestDate());
    assertEquals(newest, sim.publishedDates().get(sim.publishedDates().size() - 1));
    long week = 0;
    long month = 0;
    for (int i = 0; i < 30; i++) {
      long n = sim.count("busy", Endpoint.OVERALL, "without_mirrors", newest.minusDays(i));
      week += i < 7 ? n : 0;
      month += n;
    }
    Recent expected = new Recent(
        sim.count("busy", Endpoint.OVERALL, "without_mirrors", newest), week, month);
    assertEquals(expected, sim.recent("busy"));
    RecentResponse parsed = ResponseParser.parseRecent(sim.body("busy", Endpoint.RECENT));
    assertEquals(new RecentResponse("busy", "recent_downloads", expected.lastDay(),
        expected.lastWeek(), expected.lastMonth()), parsed);
    assertEquals("{\"data\":{\"last_day\":1000,\"last_month\":30000,\"last_week\":7000},"
        + "\"package\":\"flat\",\"type\":\"recent_downloads\"}", sim.body("flat", Endpoint.RECENT));
  }

  @Test
  void windowAndLagMoveThePublishedDates() {
    sim.setToday(TODAY);
    assertEquals(TODAY.minusDays(181), sim.publishedDates().get(0));
    assertEquals(TODAY.minusDays(1), sim.newestDate());
    assertTrue(sim.hasRow("busy", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(181)));
    assertEquals(0, sim.count("busy", Endpoint.OVERALL, "without_mirrors", TODAY));
    assertEquals(0, sim.count("busy", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(182)));
    sim.windowDays(190);
    assertEquals(190, sim.publishedDates().size());
    assertEquals(190, table(sim.body("flat", Endpoint.OVERALL)).get("without_mirrors").size());
    sim.lag(3);
    assertEquals(TODAY.minusDays(4), sim.newestDate());
    assertFalse(sim.hasRow("busy", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(1)));
    assertTrue(table(sim.body("flat", Endpoint.SYSTEM)).get("Linux").keySet().stream()
        .noneMatch(d -> d.isAfter(TODAY.minusDays(4))));
  }

  @Test
  void sameSeedSameBodiesWhateverTheOrderOfPackages() {
    sim.setToday(TODAY);
    SimulatedUpstream other = new SimulatedUpstream(42)
        .addPackage("flat", Profile.constant(1000))
        .addPackage("tiny", Profile.tiny(3))
        .addPackage("busy", Profile.busy(20_000));
    Map<Endpoint, String> mine = new HashMap<>();
    for (Endpoint e : Endpoint.values()) {
      mine.put(e, sim.body("busy", e));
    }
    other.setToday(TODAY);
    for (Endpoint e : Endpoint.values()) {
      assertEquals(mine.get(e), other.body("busy", e), e.path());
      assertEquals(sim.body(SimulatedUpstream.ALL, e), other.body(SimulatedUpstream.ALL, e));
    }
    SimulatedUpstream reseeded = new SimulatedUpstream(43)
        .addPackage("busy", Profile.busy(20_000)).setToday(TODAY);
    assertNotEquals(mine.get(Endpoint.SYSTEM), reseeded.body("busy", Endpoint.SYSTEM));
  }

  @Test
  void shuffledOrderKeepsTheRows() {
    sim.setToday(TODAY);
    String sorted = sim.body("busy", Endpoint.SYSTEM);
    sim.shuffleCategoryOrder(true);
    String shuffled = sim.body("busy", Endpoint.SYSTEM);
    assertNotEquals(sorted, shuffled);
    assertEquals(Set.copyOf(parse(sorted).rows()), Set.copyOf(parse(shuffled).rows()));
    assertEquals(parse(sorted).rows().size(), parse(shuffled).rows().size());
  }

  @Test
  void theRealClientReadsTheSimulation() {
    sim.setToday(TODAY);
    SeriesResponse system = Await.result(client.fetchSystem("busy", null)).value();
    assertEquals(parse(sim.body("busy", Endpoint.SYSTEM)), system);
    RecentResponse recent = Await.result(client.fetchRecent("busy", null)).value();
    assertEquals(sim.recent("busy").lastMonth(), recent.lastMonth());
    SeriesResponse all = Await.result(client.fetchOverall(SimulatedUpstream.ALL, null)).value();
    assertEquals(SimulatedUpstream.ALL, all.packageName());
  }

  @Test
  void unknownPackageAnswers404OrEmptyThroughTheClient() {
    sim.unknownPackage("No_Such.Package").setToday(TODAY);
    assertTrue(Await.result(client.fetchRecent("no-such-package", null)).isNotFound());
    assertTrue(Await.result(client.fetchOverall("No_Such.Package", null)).isNotFound());
    ApiResponse<SeriesResponse> major = Await.result(client.fetchPythonMajor("no-such-package", null));
    assertTrue(major.isNoData());
    assertEquals("{\"data\":[],\"package\":\"no-such-package\",\"type\":\"python_major_downloads\"}",
        ((ApiResponse.NoData<SeriesResponse>) major).body());
    assertTrue(Await.result(client.fetchPythonMinor("no-such-package", null)).isNoData());
    assertTrue(Await.result(client.fetchSystem("no-such-package", null)).isNoData());
    assertEquals(0, sim.count("no-such-package", Endpoint.SYSTEM, "Linux", TODAY.minusDays(1)));
  }

  @Test
  void transientEmptyThenNormalAndFaultsPassThrough() {
    sim.setToday(TODAY).transientEmpty("busy", Endpoint.SYSTEM);
    assertTrue(Await.result(client.fetchSystem("busy", null)).isNoData());
    assertTrue(Await.result(client.fetchSystem("busy", null)).isData());

    fake.script(FakePypiStats.path("busy", Endpoint.OVERALL), FakeResponse.temporarilyDisabled(),
        FakeResponse.rateLimited());
    SeriesResponse overall = Await.result(client.fetchOverall("busy", null)).value();
    assertEquals(parse(sim.body("busy", Endpoint.OVERALL)), overall);
    assertEquals(3, fake.requests(FakePypiStats.path("busy", Endpoint.OVERALL)).size());
  }

  @Test
  void advancingADayShiftsTheWindowAndKeepsPastCounts() {
    sim.setToday(TODAY);
    LocalDate d = TODAY.minusDays(20);
    long linux = sim.count("busy", Endpoint.SYSTEM, "Linux", d);
    sim.nextDay();
    assertEquals(TODAY.plusDays(1), sim.today());
    assertEquals(linux, sim.count("busy", Endpoint.SYSTEM, "Linux", d));
    assertTrue(sim.hasRow("busy", Endpoint.OVERALL, "without_mirrors", TODAY));
    assertFalse(sim.hasRow("busy", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(181)));
    assertTrue(sim.hasRow("busy", Endpoint.OVERALL, "without_mirrors", TODAY.minusDays(180)));
  }

  @Test
  void movingTheDayOfManyPackagesServesTheNewDayEverywhere() {
    // Speed is measured in benchmarks, not here: this checks that cached days follow the clock.
    SimulatedUpstream big = new SimulatedUpstream(7);
    for (int i = 0; i < 10; i++) {
      big.addPackage("pkg" + i, i % 3 == 0 ? Profile.tiny(5) : Profile.busy(1000 * (i + 1)));
    }
    big.setToday(TODAY); // generates and caches the days
    big.setToday(TODAY.plusDays(1));
    for (String p : big.packages()) {
      for (Endpoint e : Endpoint.values()) {
        assertTrue(big.body(p, e).startsWith("{\"data\":"), p + " " + e);
      }
    }
    // A busy package has a row every day: the newest one served is the day before the new today.
    assertTrue(big.body("pkg1", Endpoint.OVERALL).contains("\"" + TODAY + "\""));
    assertTrue(big.body("pkg1", Endpoint.OVERALL).indexOf("\"" + TODAY.plusDays(1) + "\"") < 0);
  }
}

package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.http.ReadModel.AlertQuery;
import dev.pypiwatch.http.ReadModel.Day;
import dev.pypiwatch.http.ReadModel.Freshness;
import dev.pypiwatch.http.ReadModel.PackageSummary;
import dev.pypiwatch.http.ReadModel.PackageView;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The read model from hand-built records: the numbers the overview and the package page show. */
class ReadModelTest {
  private static final LocalDate NEWEST = LocalDate.of(2026, 4, 9);
  private final ReadModel model = new ReadModel();

  /** {@code perDay(i)} downloads without mirrors on each of the {@code days} days to {@link #NEWEST}. */
  private void days(String pkg, int days, java.util.function.IntUnaryOperator perDay) {
    for (int i = 0; i < days; i++) {
      model.add(new DownloadRecord(pkg, Endpoint.OVERALL, "without_mirrors", NEWEST.minusDays(i), perDay.applyAsInt(i)));
    }
  }

  private PackageSummary summary(String configured) {
    return model.packages(List.of(configured), NEWEST, Set.of(), Set.of()).get(0);
  }

  @Test
  void sevenDayChangeIsTheLastWeekAgainstTheOneBefore() {
    days("pkg", 14, i -> i < 7 ? 150 : 100);
    assertEquals(0.5, summary("pkg").sevenDayChange(), 1e-12);
  }

  @Test
  void sevenDayChangeIsNullWithoutFourteenKnownDaysOrWithAnEmptyWeekBefore() {
    days("short", 13, i -> 100);
    assertNull(summary("short").sevenDayChange(), "13 days");
    days("zero", 14, i -> i < 7 ? 100 : 0);
    assertNull(summary("zero").sevenDayChange(), "nothing the week before");
    days("hole", 20, i -> 100);
    model.add(new DownloadRecord("hole", Endpoint.OVERALL, "without_mirrors", NEWEST.minusDays(30), 5));
    assertEquals(0.0, summary("hole").sevenDayChange(), 1e-12, "days outside the 14 do not matter");
  }

  @Test
  void sparklineHoldsThirtyDaysToTheNewestWithNullForAMissingDay() {
    days("pkg", 40, i -> 1000 + i);
    model.add(new DownloadRecord("pkg", Endpoint.OVERALL, "with_mirrors", NEWEST, 99_999)); // not the main series
    PackageSummary s = summary("pkg");
    assertEquals(30, s.sparkline().size());
    assertEquals(new Day(NEWEST.minusDays(29), 1029L), s.sparkline().get(0));
    assertEquals(new Day(NEWEST, 1000L), s.sparkline().get(29));
    assertEquals(1000L, s.lastDayDownloads());
    assertEquals(NEWEST, s.newestDay());

    ReadModel gaps = new ReadModel();
    gaps.add(new DownloadRecord("g", Endpoint.OVERALL, "without_mirrors", NEWEST, 7));
    gaps.add(new DownloadRecord("g", Endpoint.OVERALL, "without_mirrors", NEWEST.minusDays(2), 5));
    List<Day> spark = gaps.packages(List.of("g"), NEWEST, Set.of(), Set.of()).get(0).sparkline();
    assertEquals(List.of(5L), spark.stream().filter(d -> d.date().equals(NEWEST.minusDays(2))).map(Day::downloads).toList());
    assertNull(spark.get(28).downloads(), "the missing day between");
  }

  @Test
  void python3ShareIsTheNewestPythonMajorDaysShareOfThreeWithUnknownCounted() {
    model.add(new DownloadRecord("pkg", Endpoint.PYTHON_MAJOR, "3", NEWEST.minusDays(1), 10));
    model.add(new DownloadRecord("pkg", Endpoint.PYTHON_MAJOR, "2", NEWEST.minusDays(1), 90));
    model.add(new DownloadRecord("pkg", Endpoint.PYTHON_MAJOR, "3", NEWEST, 60));
    model.add(new DownloadRecord("pkg", Endpoint.PYTHON_MAJOR, "2", NEWEST, 15));
    model.add(new DownloadRecord("pkg", Endpoint.PYTHON_MAJOR, "unknown", NEWEST, 25));
    assertEquals(0.6, summary("pkg").python3Share(), 1e-12, "60 of 100 on the newest day");
    days("none", 3, i -> 5);
    assertNull(summary("none").python3Share(), "no python_major data");
    model.add(new DownloadRecord("zero", Endpoint.PYTHON_MAJOR, "3", NEWEST, 0));
    assertNull(summary("zero").python3Share(), "nothing downloaded that day");
  }

  @Test
  void aRevisionReplacesTheDaysCount() {
    days("pkg", 1, i -> 10);
    model.add(new DownloadRecord("pkg", Endpoint.OVERALL, "without_mirrors", NEWEST, 60));
    assertEquals(60L, summary("pkg").lastDayDownloads());
  }

  @Test
  void freshnessComesFromTheNewestDayAndThePollersSets() {
    days("fresh-pkg", 3, i -> 1);
    model.add(new DownloadRecord("late", Endpoint.OVERALL, "without_mirrors", NEWEST.minusDays(1), 1));
    model.add(new DownloadRecord("stale", Endpoint.OVERALL, "without_mirrors", NEWEST.minusDays(1), 1));
    List<PackageSummary> all = model.packages(List.of("Fresh_Pkg", "late", "stale", "unknown", "never"), NEWEST,
        Set.of("stale"), Set.of("unknown"));
    assertEquals(List.of("fresh-pkg", "late", "stale", "unknown", "never"),
        all.stream().map(PackageSummary::name).toList(), "in watchlist order, normalized");
    assertEquals(List.of(Freshness.FRESH, Freshness.BEHIND, Freshness.STALE, Freshness.INVALID, Freshness.BEHIND),
        all.stream().map(PackageSummary::freshness).toList());
    PackageSummary never = all.get(4);
    assertNull(never.newestDay());
    assertNull(never.lastDayDownloads());
    assertEquals(List.of(), never.sparkline());
  }

  @Test
  void aPackageIsFoundByAnySpellingAndItsSeriesLimitedToFromTo() {
    for (int i = 0; i < 10; i++) {
      LocalDate d = NEWEST.minusDays(i);
      model.add(new DownloadRecord("django-rest-framework", Endpoint.OVERALL, "without_mirrors", d, 100 + i));
      model.add(new DownloadRecord("django-rest-framework", Endpoint.OVERALL, "with_mirrors", d, 200 + i));
      model.add(new DownloadRecord("django-rest-framework", Endpoint.PYTHON_MINOR, "3.12", d, 50));
      model.add(new DownloadRecord("django-rest-framework", Endpoint.SYSTEM, "linux", d, 80));
    }
    PackageView v = model.packageView("Django_REST.framework", List.of(), NEWEST.minusDays(4), NEWEST.minusDays(2))
        .orElseThrow();
    assertEquals("django-rest-framework", v.name());
    assertEquals(NEWEST, v.newestDay(), "the newest day does not depend on from/to");
    assertEquals(List.of(new Day(NEWEST.minusDays(4), 104L), new Day(NEWEST.minusDays(3), 103L),
        new Day(NEWEST.minusDays(2), 102L)), v.series().get("overall").get("without_mirrors"));
    assertEquals(3, v.series().get("overall").get("with_mirrors").size());
    assertEquals(Set.of("3.12"), v.series().get("python_minor").keySet());
    assertEquals(Set.of(), v.series().get("python_major").keySet(), "present but empty");
    assertEquals(10, model.packageView("django-rest-framework", List.of(), null, null).orElseThrow()
        .series().get("system").get("linux").size());
    assertTrue(model.packageView("nope", List.of(), null, null).isEmpty(), "unknown");
    assertTrue(model.packageView("-bad-", List.of(), null, null).isEmpty(), "not a name");
    assertTrue(model.packageView("Watched.Only", List.of("watched_only"), null, null).isPresent(),
        "watched but without data yet");
  }

  @Test
  void theLastTransitionPerFingerprintIsTheFiringSetAndHistoryIsNewestFirst() {
    model.add(alert("a/spike", "pkg", "spike", NEWEST.minusDays(5), AlertState.FIRING));
    model.add(alert("a/drop", "pkg", "drop", NEWEST.minusDays(4), AlertState.FIRING));
    model.add(alert("a/spike", "pkg", "spike", NEWEST.minusDays(3), AlertState.RESOLVED));
    model.add(alert("b/spike", "other", "spike", NEWEST, AlertState.FIRING));

    days("pkg", 1, i -> 1);
    assertEquals(1, summary("pkg").firingAlerts());
    PackageView v = model.packageView("PKG", List.of(), null, null).orElseThrow();
    assertEquals(List.of("a/drop"), v.firing().stream().map(Alert::fingerprint).toList());
    assertEquals(List.of(NEWEST.minusDays(3), NEWEST.minusDays(4), NEWEST.minusDays(5)),
        v.recent().stream().map(Alert::date).toList());

    assertEquals(List.of(NEWEST, NEWEST.minusDays(3), NEWEST.minusDays(4), NEWEST.minusDays(5)),
        model.alerts(new AlertQuery(null, null, null, null)).stream().map(Alert::date).toList());
    assertEquals(List.of("b/spike", "a/drop", "a/spike"),
        model.alerts(new AlertQuery(AlertState.FIRING, null, null, null)).stream().map(Alert::fingerprint).toList());
    assertEquals(List.of(NEWEST.minusDays(3), NEWEST.minusDays(5)),
        model.alerts(new AlertQuery(null, "Pkg", "spike", null)).stream().map(Alert::date).toList());
    assertEquals(List.of(NEWEST, NEWEST.minusDays(3)),
        model.alerts(new AlertQuery(null, null, null, NEWEST.minusDays(3))).stream().map(Alert::date).toList());
    assertEquals(List.of(), model.alerts(new AlertQuery(null, "-bad-", null, null)));
  }

  @Test
  void eachSeriesKeepsItsLastRetainedDaysOnly() {
    days("pkg", ReadModel.RETAINED_DAYS + 40, i -> 1000 + i);
    List<Day> kept = model.packageView("pkg", List.of("pkg"), null, null).orElseThrow().series().get("overall")
        .get("without_mirrors");
    assertEquals(ReadModel.RETAINED_DAYS, kept.size());
    assertEquals(NEWEST.minusDays(ReadModel.RETAINED_DAYS - 1), kept.get(0).date());
    assertEquals(new Day(NEWEST, 1000L), kept.get(kept.size() - 1));
  }

  @Test
  void oldTransitionsAreForgottenButNotWhatStillFires() {
    model.add(alert("old/firing", "a", "drop", NEWEST.minusDays(400), AlertState.FIRING));
    model.add(alert("old/over", "a", "spike", NEWEST.minusDays(400), AlertState.FIRING));
    model.add(alert("old/over", "a", "spike", NEWEST.minusDays(399), AlertState.RESOLVED));
    model.add(alert("new", "b", "spike", NEWEST, AlertState.FIRING));
    for (int i = 0; i < 3000; i++) { // old episodes, enough to prune more than once
      model.add(alert("old/" + (i % 50), "c", "spike", NEWEST.minusDays(300 + i % 100),
          i % 2 == 0 ? AlertState.FIRING : AlertState.RESOLVED));
    }
    assertTrue(model.transitionCount() < 1100, "pruned to at most one prune step: " + model.transitionCount());
    assertEquals(List.of("new"), model.alerts(new AlertQuery(null, "b", null, null)).stream()
        .map(Alert::fingerprint).toList());
    List<String> old = model.alerts(new AlertQuery(null, "a", null, null)).stream().map(Alert::fingerprint).toList();
    assertEquals(List.of("old/firing"), old, "the resolved episode went, the one still firing stayed");
    assertEquals(1, summary("a").firingAlerts());
  }

  private static Alert alert(String fp, String pkg, String rule, LocalDate day, AlertState state) {
    return new Alert(fp, pkg, rule, "overall", "without_mirrors", day, state, Severity.WARNING, 10, 5, 3,
        pkg + " " + rule, Alert.linkOf(pkg));
  }
}

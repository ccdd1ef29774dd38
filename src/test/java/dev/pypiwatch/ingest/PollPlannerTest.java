package dev.pypiwatch.ingest;

import static dev.pypiwatch.events.Categories.UNKNOWN;
import static dev.pypiwatch.events.Categories.WITHOUT_MIRRORS;
import static dev.pypiwatch.events.Categories.WITH_MIRRORS;
import static dev.pypiwatch.ingest.PollTesting.BUSY_PACKAGE_180_DAYS;
import static dev.pypiwatch.ingest.PollTesting.FETCHED_AT;
import static dev.pypiwatch.ingest.PollTesting.NEXT_FETCH;
import static dev.pypiwatch.ingest.PollTesting.PLANNER;
import static dev.pypiwatch.ingest.PollTesting.TINY_PACKAGE_WITH_ZERO_DAYS;
import static dev.pypiwatch.ingest.PollTesting.day;
import static dev.pypiwatch.ingest.PollTesting.firstPoll;
import static dev.pypiwatch.ingest.PollTesting.key;
import static dev.pypiwatch.ingest.PollTesting.observation;
import static dev.pypiwatch.ingest.PollTesting.table;
import static dev.pypiwatch.ingest.PollTesting.url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.RecentDownloads;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.ingest.PollTesting.Fixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PollPlannerTest {
  private static final String PKG = "demo";

  /** Four days, day 2 without any row, some categories missing on some days. */
  private static PackageSnapshot smallWindow() {
    return PackageSnapshot.at(FETCHED_AT)
        .with(Endpoint.OVERALL, url(PKG, Endpoint.OVERALL), List.of(
            rec(Endpoint.OVERALL, WITH_MIRRORS, 0, 3), rec(Endpoint.OVERALL, WITH_MIRRORS, 1, 1),
            rec(Endpoint.OVERALL, WITH_MIRRORS, 3, 2), rec(Endpoint.OVERALL, WITHOUT_MIRRORS, 0, 2),
            rec(Endpoint.OVERALL, WITHOUT_MIRRORS, 3, 1)))
        .with(Endpoint.PYTHON_MINOR, url(PKG, Endpoint.PYTHON_MINOR), List.of(
            rec(Endpoint.PYTHON_MINOR, "3.12", 0, 1), rec(Endpoint.PYTHON_MINOR, "3.11", 0, 1),
            rec(Endpoint.PYTHON_MINOR, UNKNOWN, 1, 1), rec(Endpoint.PYTHON_MINOR, "3.12", 3, 1)))
        .with(Endpoint.SYSTEM, url(PKG, Endpoint.SYSTEM), List.of(
            rec(Endpoint.SYSTEM, "linux", 0, 2), rec(Endpoint.SYSTEM, "linux", 3, 1)));
  }

  private static DownloadRecord rec(Endpoint e, String category, int i, long n) {
    return new DownloadRecord(PKG, e, category, day(i), n);
  }

  @Test
  void firstPollPublishesTheWholeWindowWithZeroDaysFilled() {
    PollResult r = PLANNER.plan(PKG, smallWindow(), PollerState.EMPTY, Set.of(), day(3));

    assertEquals(table(PKG, FETCHED_AT,
        "overall with_mirrors 0 3 R", "overall with_mirrors 1 1 R",
        "overall with_mirrors 2 0 Z", "overall with_mirrors 3 2 R",
        "overall without_mirrors 0 2 R", "overall without_mirrors 1 0 Z",
        "overall without_mirrors 2 0 Z", "overall without_mirrors 3 1 R",
        "python_major 3 0 2 R", "python_major 3 1 0 Z", "python_major 3 2 0 Z", "python_major 3 3 1 R",
        "python_major unknown 0 0 Z", "python_major unknown 1 1 R",
        "python_major unknown 2 0 Z", "python_major unknown 3 0 Z",
        "python_minor 3.11 0 1 R", "python_minor 3.11 1 0 Z",
        "python_minor 3.11 2 0 Z", "python_minor 3.11 3 0 Z",
        "python_minor 3.12 0 1 R", "python_minor 3.12 1 0 Z",
        "python_minor 3.12 2 0 Z", "python_minor 3.12 3 1 R",
        "python_minor unknown 0 0 Z", "python_minor unknown 1 1 R",
        "python_minor unknown 2 0 Z", "python_minor unknown 3 0 Z",
        "system linux 0 2 R", "system linux 1 0 Z", "system linux 2 0 Z", "system linux 3 1 R"),
        r.observations());
    assertEquals(Optional.of(new RecentObservation(new RecentDownloads(PKG, 1L, 3L, 3L), day(3),
        FETCHED_AT, url(PKG, Endpoint.OVERALL))), r.recent());
    assertTrue(r.fresh());
    assertFalse(r.transientEmpty());
    assertEquals(List.of(), r.unknownDays());
    assertEquals(Optional.of(FETCHED_AT), r.state().lastSuccessfulPoll());
  }

  @Test
  void firstPollOfABusyPackagePublishesEveryDayAndReportsTheDayBeforeANewBusyVersion() {
    PollResult r = firstPoll(BUSY_PACKAGE_180_DAYS);

    List<DownloadObservation> expected = new ArrayList<>();
    for (int i = 0; i <= 180; i++) {
      expected.addAll(BUSY_PACKAGE_180_DAYS.firstPublicationOfDay(i, FETCHED_AT));
    }
    // 3.14 starts on day 170 at ~670/day: the median around day 169 is not small, so unknown.
    DownloadObservation day169 = observation("busy-pkg", Endpoint.PYTHON_MINOR, "3.14", 169, 0,
        Origin.ZERO_FILLED, null, FETCHED_AT);
    expected.remove(day169);
    expected.sort(java.util.Comparator.comparing(o -> SeriesDay.of(
        o.record().endpoint(), o.record().category(), o.record().date())));
    assertEquals(expected, r.observations());
    assertEquals(List.of(SeriesDay.of(Endpoint.PYTHON_MINOR, "3.14", day(169))), r.unknownDays());
    assertTrue(r.fresh());
  }

  @Test
  void secondPollWithOneNewDayPublishesOnlyThatDayAndKeepsTheDayThatLeftTheWindow() {
    PollResult first = firstPoll(BUSY_PACKAGE_180_DAYS);
    Fixture moved = BUSY_PACKAGE_180_DAYS.days(1, 181);

    PollResult second = PLANNER.plan("busy-pkg", moved.snapshot(NEXT_FETCH), first.state(),
        Set.of(), day(181));

    assertEquals(moved.firstPublicationOfDay(181, NEXT_FETCH), second.observations());
    assertEquals(Optional.of(40_000L + 17 * 0),
        second.state().published(SeriesDay.of(Endpoint.OVERALL, WITHOUT_MIRRORS, day(0))),
        "day 0 left the window: not a deletion");
    assertEquals(day(181), second.recent().orElseThrow().asOf());
    assertTrue(second.fresh());
  }

  @Test
  void revisedCountIsRepublishedWithThePreviousCount() {
    Fixture f = BUSY_PACKAGE_180_DAYS;
    PollResult first = firstPoll(f);
    long before = f.count(key(Endpoint.OVERALL, WITHOUT_MIRRORS), 100);

    PollResult second = PLANNER.plan("busy-pkg",
        f.with(Endpoint.OVERALL, WITHOUT_MIRRORS, 100, 12_345).snapshot(NEXT_FETCH),
        first.state(), Set.of(), day(180));

    assertEquals(List.of(observation("busy-pkg", Endpoint.OVERALL, WITHOUT_MIRRORS, 100, 12_345,
        Origin.REPORTED, before, NEXT_FETCH)), second.observations());
    assertEquals(Optional.empty(), second.recent(), "day 100 is older than the last 30 days");
  }

  @Test
  void backfillOfARecentDayRepublishesTheDayAndTheRecentFigures() {
    Fixture f = TINY_PACKAGE_WITH_ZERO_DAYS;
    PollResult first = firstPoll(f);

    PollResult second = PLANNER.plan("tiny-pkg",
        f.with(Endpoint.OVERALL, WITHOUT_MIRRORS, 176, 5).snapshot(NEXT_FETCH),
        first.state(), Set.of(), day(180));

    assertEquals(table("tiny-pkg", NEXT_FETCH, "overall without_mirrors 176 5 R 0"),
        second.observations(), "a zero-filled day revised by a backfill");
    RecentDownloads before = first.recent().orElseThrow().recent();
    assertEquals(before.lastWeek() + 5, second.recent().orElseThrow().recent().lastWeek());
  }

  static Stream<Fixture> fixtures() {
    return Stream.of(BUSY_PACKAGE_180_DAYS, TINY_PACKAGE_WITH_ZERO_DAYS);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void identicalPollPublishesNothing(Fixture f) {
    PollResult first = firstPoll(f);

    PollResult second =
        PLANNER.plan(f.pkg(), f.snapshot(NEXT_FETCH), first.state(), Set.of(), day(f.to()));

    assertEquals(List.of(), second.observations());
    assertEquals(Optional.empty(), second.recent());
    assertEquals(first.state().counts(), second.state().counts());
    assertEquals(Optional.of(NEXT_FETCH), second.state().lastSuccessfulPoll());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void shuffledRowOrderGivesTheSameResult(Fixture f) {
    PollResult ordered = firstPoll(f);
    for (long seed = 1; seed <= 3; seed++) {
      PollResult shuffled = PLANNER.plan(f.pkg(), PollTesting.shuffled(f.snapshot(), seed),
          PollerState.EMPTY, Set.of(), day(f.to()));
      assertEquals(ordered, shuffled);
    }
  }

  @Test
  void holeDateIsSkippedInEveryEndpointEvenForATinyPackage() {
    Fixture f = TINY_PACKAGE_WITH_ZERO_DAYS.withoutDay(50);

    PollResult r = PLANNER.plan(f.pkg(), f.snapshot(), PollerState.EMPTY, Set.of(day(50)), day(180));

    assertTrue(r.observations().stream().noneMatch(o -> o.record().date().equals(day(50))));
    assertEquals(new TreeSet<>(Set.of(day(50))), r.holesSkipped());
    assertEquals(List.of(), r.unknownDays(), "a hole is skipped, not reported as unknown");
    // Without the hole set the same missing day is a zero day of a tiny package.
    PollResult unaware = firstPoll(f);
    assertTrue(unaware.observations().contains(observation("tiny-pkg", Endpoint.SYSTEM, "linux",
        50, 0, Origin.ZERO_FILLED, null, FETCHED_AT)));
  }

  @Test
  void rowsOnAHoleDateAreIgnoredWithAWarning() {
    PollResult r = PLANNER.plan("busy-pkg", BUSY_PACKAGE_180_DAYS.snapshot(), PollerState.EMPTY,
        Set.of(day(90)), day(180));

    assertTrue(r.observations().stream().noneMatch(o -> o.record().date().equals(day(90))));
    assertTrue(r.warnings().contains("overall: rows on hole dates ignored: [" + day(90) + "]"));
  }

  @Test
  void busyPackageLosingADayIsUnknownInEverySeriesAndKeepsWhatWasPublished() {
    PollResult first = firstPoll(BUSY_PACKAGE_180_DAYS);
    Fixture lost = BUSY_PACKAGE_180_DAYS.withoutDay(90);

    PollResult second = PLANNER.plan("busy-pkg", lost.snapshot(NEXT_FETCH), first.state(),
        Set.of(), day(180));

    assertEquals(List.of(), second.observations());
    List<SeriesDay> expected = new ArrayList<>();
    BUSY_PACKAGE_180_DAYS.allKeys().forEach(k -> expected.add(new SeriesDay(k, day(90))));
    expected.add(SeriesDay.of(Endpoint.PYTHON_MINOR, "3.14", day(169)));
    expected.sort(null);
    assertEquals(expected, second.unknownDays(), "small categories too: the whole day is lost");
    assertEquals(first.state().counts(), second.state().counts());
  }

  @Test
  void busyCategoryMissingOneDayIsUnknownWhileASmallOneIsZero() {
    Fixture f = BUSY_PACKAGE_180_DAYS.with(Endpoint.SYSTEM, "linux", 60, 0);

    PollResult r = firstPoll(f);

    assertTrue(r.unknownDays().contains(SeriesDay.of(Endpoint.SYSTEM, "linux", day(60))));
    assertTrue(r.observations().contains(observation("busy-pkg", Endpoint.SYSTEM, "other", 61, 0,
        Origin.ZERO_FILLED, null, FETCHED_AT)));
  }

  @Test
  void tinyPackageMissingDayIsZeroFilledInEverySeries() {
    PollResult r = firstPoll(TINY_PACKAGE_WITH_ZERO_DAYS);

    List<DownloadObservation> day8 = r.observations().stream()
        .filter(o -> o.record().date().equals(day(8))).toList();
    assertEquals(table("tiny-pkg", FETCHED_AT,
        "overall with_mirrors 8 0 Z", "overall without_mirrors 8 0 Z",
        "python_major 3 8 0 Z", "python_major unknown 8 0 Z",
        "python_minor 3.12 8 0 Z", "python_minor unknown 8 0 Z",
        "system linux 8 0 Z", "system windows 8 0 Z"), day8);
    assertEquals(List.of(), r.unknownDays());
    assertTrue(r.fresh(), "day 180 has no row, but for a tiny package that is a zero day");
  }

  @Test
  void busyPackageWithoutTheExpectedDayIsNotFresh() {
    PollResult r = PLANNER.plan("busy-pkg", BUSY_PACKAGE_180_DAYS.snapshot(), PollerState.EMPTY,
        Set.of(), day(181));

    assertFalse(r.fresh());
    assertTrue(r.warnings().contains("overall: newest date " + day(180) + ", expected " + day(181)));
    PollResult holeAfter = PLANNER.plan("busy-pkg", BUSY_PACKAGE_180_DAYS.snapshot(),
        PollerState.EMPTY, Set.of(day(181)), day(181));
    assertTrue(holeAfter.fresh(), "the missing day is a hole for everybody");
  }

  @Test
  void longerWindowIsHandled() {
    Fixture f = BUSY_PACKAGE_180_DAYS.days(0, 189);

    PollResult r = firstPoll(f);

    assertEquals(day(0), r.state().series(key(Endpoint.SYSTEM, "linux")).firstKey());
    assertEquals(190, r.state().series(key(Endpoint.SYSTEM, "linux")).size());
    assertEquals(f.firstPublicationOfDay(189, FETCHED_AT), r.observations().stream()
        .filter(o -> o.record().date().equals(day(189))).toList());
  }

  @Test
  void pythonMajorIsPublishedAsTheSumOfItsMinors() {
    PollResult r = firstPoll(BUSY_PACKAGE_180_DAYS);

    long minors = 12_000 + 7 * 175 + 9_000 + 175 % 7 * 50 + 4_000 + 20 * 175 + 500 + 175;
    assertTrue(r.observations().contains(observation("busy-pkg", Endpoint.PYTHON_MAJOR, "3", 175,
        minors, Origin.REPORTED, null, FETCHED_AT)));
    assertTrue(r.observations().contains(observation("busy-pkg", Endpoint.PYTHON_MAJOR, UNKNOWN,
        175, 800 + 175 % 11, Origin.REPORTED, null, FETCHED_AT)));
    assertTrue(r.observations().contains(observation("busy-pkg", Endpoint.PYTHON_MAJOR, "2", 175,
        2, Origin.REPORTED, null, FETCHED_AT)));
  }
}

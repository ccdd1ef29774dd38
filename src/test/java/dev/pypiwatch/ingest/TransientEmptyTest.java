package dev.pypiwatch.ingest;

import static dev.pypiwatch.ingest.PollTesting.BUSY_PACKAGE_180_DAYS;
import static dev.pypiwatch.ingest.PollTesting.FETCHED_AT;
import static dev.pypiwatch.ingest.PollTesting.NEXT_FETCH;
import static dev.pypiwatch.ingest.PollTesting.PLANNER;
import static dev.pypiwatch.ingest.PollTesting.day;
import static dev.pypiwatch.ingest.PollTesting.firstPoll;
import static dev.pypiwatch.ingest.PollTesting.url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransientEmptyTest {
  private static final String PKG = "busy-pkg";

  /** The busy package's next-day answer with {@code endpoint} empty (an empty 200). */
  private static PackageSnapshot withEmpty(Endpoint endpoint, Instant at) {
    return BUSY_PACKAGE_180_DAYS.days(1, 181).snapshot(at).with(endpoint, url(PKG, endpoint), List.of());
  }

  /** The same without {@code endpoint} at all (fetch failed). */
  private static PackageSnapshot withAbsent(Endpoint endpoint, Instant at) {
    PackageSnapshot full = BUSY_PACKAGE_180_DAYS.days(1, 181).snapshot(at);
    PackageSnapshot out = PackageSnapshot.at(at);
    for (var e : full.series().entrySet()) {
      if (e.getKey() != endpoint) {
        out = out.with(e.getKey(), e.getValue().source(), e.getValue().records());
      }
    }
    return out;
  }

  @Test
  void emptyAnswerKeepsTheStatePublishesNothingForItAndIsNotFresh() {
    PollResult first = firstPoll(BUSY_PACKAGE_180_DAYS);

    PollResult r = PLANNER.plan(PKG, withEmpty(Endpoint.SYSTEM, NEXT_FETCH), first.state(),
        Set.of(), day(181));

    assertTrue(r.transientEmpty());
    assertFalse(r.fresh());
    assertTrue(r.observations().stream().noneMatch(o -> o.record().endpoint() == Endpoint.SYSTEM));
    assertEquals(BUSY_PACKAGE_180_DAYS.days(1, 181).firstPublicationOfDay(181, NEXT_FETCH).stream()
        .filter(o -> o.record().endpoint() != Endpoint.SYSTEM).toList(), r.observations());
    assertEquals(first.state().series(PollTesting.key(Endpoint.SYSTEM, "linux")),
        r.state().series(PollTesting.key(Endpoint.SYSTEM, "linux")));
    assertEquals(1, r.state().transientEmpties(Endpoint.SYSTEM));
    assertEquals(Optional.of(FETCHED_AT), r.state().lastSuccessfulPoll());
  }

  @Test
  void consecutiveEmptiesAreCountedAndResetByAnAnswer() {
    PollerState s = firstPoll(BUSY_PACKAGE_180_DAYS).state();
    s = PLANNER.plan(PKG, withAbsent(Endpoint.PYTHON_MINOR, NEXT_FETCH), s, Set.of(), day(181)).state();
    s = PLANNER.plan(PKG, withEmpty(Endpoint.PYTHON_MINOR, NEXT_FETCH), s, Set.of(), day(181)).state();

    assertEquals(Map.of(Endpoint.PYTHON_MINOR, 2, Endpoint.PYTHON_MAJOR, 2),
        Map.of(Endpoint.PYTHON_MINOR, s.transientEmpties(Endpoint.PYTHON_MINOR),
            Endpoint.PYTHON_MAJOR, s.transientEmpties(Endpoint.PYTHON_MAJOR)),
        "python_major is derived from python_minor, so it is empty with it");
    PollResult answered = PLANNER.plan(PKG, BUSY_PACKAGE_180_DAYS.days(1, 181).snapshot(NEXT_FETCH),
        s, Set.of(), day(181));
    assertEquals(0, answered.state().transientEmpties(Endpoint.PYTHON_MINOR));
    assertTrue(answered.fresh());
    assertEquals(BUSY_PACKAGE_180_DAYS.days(1, 181).firstPublicationOfDay(181, NEXT_FETCH).stream()
        .filter(o -> o.record().endpoint() == Endpoint.PYTHON_MINOR
            || o.record().endpoint() == Endpoint.PYTHON_MAJOR).toList(),
        answered.observations(), "only the minor and major days missed while empty");
  }

  @Test
  void emptyOverallPublishesNoRecentFigures() {
    PollResult first = firstPoll(BUSY_PACKAGE_180_DAYS);

    PollResult r = PLANNER.plan(PKG, withEmpty(Endpoint.OVERALL, NEXT_FETCH), first.state(),
        Set.of(), day(181));

    assertEquals(Optional.empty(), r.recent());
    assertEquals(first.state().lastRecent(), r.state().lastRecent());
  }

  @Test
  void aPackageWithoutAnyDataIsNeitherTransientNorFresh() {
    PackageSnapshot nothing = PackageSnapshot.at(FETCHED_AT)
        .with(Endpoint.OVERALL, url("nodata", Endpoint.OVERALL), List.of());

    PollResult r = PLANNER.plan("nodata", nothing, PollerState.EMPTY, null, day(10));

    assertFalse(r.transientEmpty());
    assertFalse(r.fresh());
    assertEquals(List.of(), r.observations());
    assertTrue(r.state().isEmpty());
    assertTrue(r.warnings().contains("overall: no data"));
  }
}

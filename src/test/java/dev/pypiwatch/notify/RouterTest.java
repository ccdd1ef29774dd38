package dev.pypiwatch.notify;

import static dev.pypiwatch.notify.NotifierFixtures.alert;
import static dev.pypiwatch.notify.NotifierFixtures.config;
import static dev.pypiwatch.notify.NotifierFixtures.firing;
import static dev.pypiwatch.notify.NotifierFixtures.matcher;
import static dev.pypiwatch.notify.NotifierFixtures.packages;
import static dev.pypiwatch.notify.NotifierFixtures.receiver;
import static dev.pypiwatch.notify.NotifierFixtures.resolved;
import static dev.pypiwatch.notify.NotifierFixtures.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {
  private static final Instant NOW = Instant.parse("2026-04-03T03:00:00Z");

  private static Router router(List<Route> routes, List<String> defaults, List<Silence> silences,
      boolean sendResolved, Boolean opsResolved) {
    NotifyConfig c = config(
        List.of(receiver("ops", opsResolved, null), receiver("django-team"), receiver("chat"), receiver("pager")),
        routes, defaults, Duration.ofSeconds(30), Duration.ofDays(7), sendResolved, silences, Retry.DEFAULTS);
    return new Router(c);
  }

  private static Router router(List<Route> routes, List<String> defaults) {
    return router(routes, defaults, List.of(), true, null);
  }

  @ParameterizedTest
  @CsvSource({
    "django-*, django-debug-toolbar, true",
    "django-*, django, false",
    "*, anything, true",
    "py?est, pytest, true",
    "py?est, pyttest, false",
    "*-sqlite*, datasette-sqlite-debug, true",
    "a*b*c, axxbyyc, true",
    "a*b*c, axxbyy, false",
    "**x, x, true",
    "pip, pip, true",
    "pip, pipx, false",
    "'', '', true",
  })
  void globsMatchWholeNames(String pattern, String name, boolean expected) {
    assertEquals(expected, AlertMatcher.glob(pattern, name));
  }

  @Test
  void theFirstMatchingRouteWinsUnlessItContinues() {
    Router r = router(List.of(
        route(packages("django-*"), false, "django-team"),
        route(packages("django-*", "flask"), false, "chat"),
        route(AlertMatcher.ANY, false, "ops")), List.of("pager"));
    assertEquals(List.of("django-team"), r.route(firing("django-rest"), NOW));
    assertEquals(List.of("chat"), r.route(firing("flask"), NOW));
    assertEquals(List.of("ops"), r.route(firing("numpy"), NOW));

    Router continuing = router(List.of(
        route(packages("django-*"), true, "django-team"),
        route(matcher(List.of(), List.of(), List.of("critical"), List.of()), true, "pager", "django-team"),
        route(AlertMatcher.ANY, false, "ops"),
        route(AlertMatcher.ANY, false, "chat")), List.of());
    assertEquals(List.of("django-team", "pager", "ops"),
        continuing.route(alert("django-rest", AlertState.FIRING, Severity.CRITICAL, NotifierFixtures.DAY), NOW),
        "continues past matches, stops at the first match without continue, no receiver twice");
  }

  @Test
  void unmatchedAlertsGoToTheDefaultReceivers() {
    Router r = router(List.of(route(packages("django-*"), false, "django-team")), List.of("ops", "chat"));
    assertEquals(List.of("ops", "chat"), r.route(firing("numpy"), NOW));
    assertEquals(List.of(), router(List.of(route(packages("django-*"), false, "chat")), List.of())
        .route(firing("numpy"), NOW), "no default: unrouted");
  }

  @Test
  void allListsOfAMatcherMustMatchAnyOfTheirValues() {
    AlertMatcher m = matcher(List.of("pip", "numpy"), List.of("drop", "spike"), List.of("warning", "critical"),
        List.of("firing"));
    assertTrue(m.matches(firing("pip")));
    assertFalse(m.matches(resolved("pip")), "state");
    assertFalse(m.matches(firing("flask")), "package");
    assertFalse(m.matches(alert("pip", "python-shift", AlertState.FIRING, Severity.WARNING,
        NotifierFixtures.DAY)), "rule");
    assertFalse(m.matches(alert("pip", AlertState.FIRING, Severity.INFO, NotifierFixtures.DAY)), "severity");
    assertTrue(AlertMatcher.ANY.matches(resolved("anything")));
  }

  @Test
  void aSilenceHoldsUntilItsEnd() {
    Instant end = NOW.plus(Duration.ofHours(2));
    Router r = router(List.of(), List.of("ops"),
        List.of(new Silence(packages("django-*"), end, "release week")), true, null);
    assertEquals(List.of(), r.route(firing("django-rest"), NOW));
    assertEquals(List.of(), r.route(firing("django-rest"), end.minusMillis(1)));
    assertEquals(List.of("ops"), r.route(firing("django-rest"), end), "ended");
    assertEquals(List.of("ops"), r.route(firing("flask"), NOW), "another package");
  }

  @Test
  void resolutionsGoOnlyToReceiversThatWantThem() {
    List<Route> routes = List.of(route(AlertMatcher.ANY, false, "ops", "chat"));
    assertEquals(List.of("ops", "chat"), router(routes, List.of(), List.of(), true, null).route(resolved("pip"), NOW));
    assertEquals(List.of("chat"), router(routes, List.of(), List.of(), true, false).route(resolved("pip"), NOW),
        "ops overrides the global setting");
    assertEquals(List.of("ops"), router(routes, List.of(), List.of(), false, true).route(resolved("pip"), NOW),
        "only ops wants them");
    assertEquals(List.of("ops", "chat"), router(routes, List.of(), List.of(), false, false).route(firing("pip"), NOW),
        "firing alerts are not affected");
  }

  @Test
  void unknownReceiversAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> router(List.of(route(AlertMatcher.ANY, false, "nobody")), List.of()));
    assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> router(List.of(), List.of("nobody")));
  }
}

package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.START;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Lifecycle}: one firing per episode, resolution, cooldowns, restore and backfills. */
class LifecycleTest {
  private static final String SPIKE_SCOPE = "spike:overall";
  private static final Set<String> SPIKE_JUDGED = Set.of(SPIKE_SCOPE);
  private static final Set<String> NOTHING_JUDGED = Set.of();
  private static final Finding SPIKE = new Finding("spike:pip:overall:without_mirrors", "spike",
      "overall", Categories.WITHOUT_MIRRORS, Severity.CRITICAL, 60_000, 20_000, 10.99,
      "pip: downloads spiked");
  private static final Finding OS_WINDOWS = new Finding("os-shift:pip:system:windows",
      "os-shift", "system", "windows", Severity.WARNING, 40, 20, 92.4, "pip: Windows rose");
  private static final Lifecycle.EpisodesByRule SEVEN_DAYS = cooldowns(r -> Duration.ofDays(7));
  private static final Lifecycle.EpisodesByRule NO_COOLDOWN = cooldowns(r -> Duration.ZERO);
  /** The drop rule's: 7 days, a lasting fall reported when they end, a fall from half the level at once. */
  private static final Lifecycle.Episodes DROP_EPISODES =
      new Lifecycle.Episodes(Duration.ofDays(7), true, 0.5);
  private static final Lifecycle.EpisodesByRule DROPS = r -> DROP_EPISODES;

  /** Each rule's episodes held back for {@code cooldown} of its name, as long as they last. */
  private static Lifecycle.EpisodesByRule cooldowns(Function<String, Duration> cooldown) {
    return r -> Lifecycle.Episodes.cooldown(cooldown.apply(r));
  }

  private static LocalDate day(int i) {
    return START.plusDays(i);
  }

  /** One judged day of the spike scope: SPIKE present or not. */
  private static List<Alert> spikeDay(Lifecycle l, int i, boolean present,
      Lifecycle.EpisodesByRule cooldown) {
    return l.step(PKG, day(i), SPIKE_JUDGED, present ? List.of(SPIKE) : List.of(), cooldown);
  }

  /** "F@day" / "R@day" for each transition, in order. */
  private static List<String> transitions(List<Alert> alerts) {
    return alerts.stream().map(a -> (a.state() == AlertState.FIRING ? "F@" : "R@")
        + (a.date().toEpochDay() - START.toEpochDay())).toList();
  }

  /** Steps days 0.. of {@code pattern} ('x' present, '.' judged absent, '?' not judged). */
  private static List<Alert> run(Lifecycle l, String pattern, Lifecycle.EpisodesByRule cooldown) {
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      out.addAll(c == '?' ? l.step(PKG, day(i), NOTHING_JUDGED, List.of(), cooldown)
          : spikeDay(l, i, c == 'x', cooldown));
    }
    return out;
  }

  @Test
  void anEpisodeFiresOnceAndResolvesOnTheFirstJudgedDayWithoutIt() {
    Lifecycle l = new Lifecycle();
    List<Alert> fired = spikeDay(l, 1, true, SEVEN_DAYS);
    assertEquals(List.of("F@1"), transitions(fired));
    Alert a = fired.get(0);
    assertEquals(SPIKE.fingerprint(), a.fingerprint());
    assertEquals(PKG, a.packageName());
    assertEquals("spike", a.rule());
    assertEquals("overall", a.series());
    assertEquals(Categories.WITHOUT_MIRRORS, a.category());
    assertEquals(Severity.CRITICAL, a.severity());
    assertEquals(60_000, a.observed(), ALLOWED_ERROR);
    assertEquals(20_000, a.expected(), ALLOWED_ERROR);
    assertEquals(10.99, a.score(), ALLOWED_ERROR);
    assertEquals("pip: downloads spiked", a.summary());
    assertEquals(Alert.linkOf(PKG), a.link());
    assertEquals(List.of(a), l.firing(PKG));
    // Still there on days 2 and 3 (with other evidence): no new transition.
    assertEquals(List.of(), spikeDay(l, 2, true, SEVEN_DAYS));
    assertEquals(List.of(), spikeDay(l, 3, true, SEVEN_DAYS));
    List<Alert> resolved = spikeDay(l, 4, false, SEVEN_DAYS);
    assertEquals(List.of("R@4"), transitions(resolved));
    Alert r = resolved.get(0);
    // The resolution carries the firing's evidence, and says when it started.
    assertEquals(a.fingerprint(), r.fingerprint());
    assertEquals(a.severity(), r.severity());
    assertEquals(a.observed(), r.observed(), ALLOWED_ERROR);
    assertEquals(a.score(), r.score(), ALLOWED_ERROR);
    assertEquals("pip: spike (overall without_mirrors) ended on 2025-12-28 (Sun); it started on"
        + " 2025-12-25", r.summary());
    assertEquals(List.of(), l.firing(PKG));
    assertEquals(List.of(), spikeDay(l, 5, false, SEVEN_DAYS));
  }

  static Stream<Arguments> patterns() {
    return Stream.of(
        // A day the rule cannot judge neither fires nor resolves.
        Arguments.of("x??x.", NO_COOLDOWN, List.of("F@0", "R@4")),
        Arguments.of("?x?.", NO_COOLDOWN, List.of("F@1", "R@3")),
        // Without a cooldown, a new episode the day after the resolution fires.
        Arguments.of("x.x.", NO_COOLDOWN, List.of("F@0", "R@1", "F@2", "R@3")),
        // Resolved on day 1; cooldown 7 days: a new episode before day 8 is suppressed while it
        // lasts, even past day 8 (days 2-8), and is not resolved either (it never fired).
        Arguments.of("x.xxxxxxx.", SEVEN_DAYS, List.of("F@0", "R@1")),
        // The suppressed episode ended on day 4; the next one starts on day 8 = 1 + 7: it fires.
        Arguments.of("x.xx....x.", SEVEN_DAYS, List.of("F@0", "R@1", "F@8", "R@9")),
        // One starting on day 7 < 8 is suppressed: the cooldown counts from the last resolution.
        Arguments.of("x.xx...x..", SEVEN_DAYS, List.of("F@0", "R@1")),
        // Days not judged end no suppression: day 9 (after the cooldown) goes on with day 2's
        // suppressed episode; after a judged day without it, day 11 is a new episode.
        Arguments.of("x.x??????x.x", SEVEN_DAYS, List.of("F@0", "R@1", "F@11")));
  }

  static Stream<Arguments> patternsAfterCooldown() {
    // A rule whose held-back episode fires when the cooldown ends if it is still there (drop).
    return Stream.of(
        // Resolved on day 1; the episode of days 2-8 is still there on day 8 = 1 + 7: it fires.
        Arguments.of("x.xxxxxxx.", List.of("F@0", "R@1", "F@8", "R@9")),
        // Gone before day 8: held back for good, and not resolved either (it never fired).
        Arguments.of("x.xxxxx...", List.of("F@0", "R@1")),
        // Unjudged days neither fire nor end it: day 2's episode is still there on day 9.
        Arguments.of("x.x??????x.", List.of("F@0", "R@1", "F@9", "R@10")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patternsAfterCooldown")
  void aHeldBackEpisodeStillThereWhenTheCooldownEndsFiresThen(String pattern, List<String> expected) {
    Lifecycle l = new Lifecycle();
    List<Alert> out = new ArrayList<>();
    Finding drop = drop(10_000);
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      out.addAll(c == '?' ? l.step(PKG, day(i), NOTHING_JUDGED, List.of(), DROPS)
          : dropDay(l, i, c == 'x' ? drop : null));
    }
    assertEquals(expected, transitions(out));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patterns")
  void transitionsOfADayPattern(String pattern, Lifecycle.EpisodesByRule cooldown,
      List<String> expected) {
    assertEquals(expected, transitions(run(new Lifecycle(), pattern, cooldown)));
  }

  static Stream<Arguments> cooldowns() {
    // Fired on day 0, resolved on day 1; the next episode starts on day 1 + gap. It fires unless
    // its first day is before the resolution day + cooldown.
    return Stream.of(
        Arguments.of(7, 1, false), Arguments.of(7, 6, false), Arguments.of(7, 7, true),
        Arguments.of(14, 13, false), Arguments.of(14, 14, true),
        // The spike's default of one day suppresses nothing: the next day with the condition is
        // resolution + 1, never before it.
        Arguments.of(1, 1, true), Arguments.of(0, 1, true));
  }

  @ParameterizedTest(name = "cooldown {0} days, next episode {1} days after the resolution: fires {2}")
  @MethodSource("cooldowns")
  void aNewEpisodeWithinTheCooldownIsSuppressed(int cooldownDays, int gap, boolean fires) {
    Lifecycle l = new Lifecycle();
    Lifecycle.EpisodesByRule cooldown = cooldowns(r -> Duration.ofDays(cooldownDays));
    spikeDay(l, 0, true, cooldown);
    assertEquals(List.of("R@1"), transitions(spikeDay(l, 1, false, cooldown)));
    for (int i = 2; i < 1 + gap; i++) {
      spikeDay(l, i, false, cooldown);
    }
    assertEquals(fires ? List.of("F@" + (1 + gap)) : List.of(),
        transitions(spikeDay(l, 1 + gap, true, cooldown)));
  }

  @Test
  void theCooldownIsTheRulesOwn() {
    // The function is asked by rule name: the spike's 0 days, the os-shift's 14. Both conditions
    // on days 0 and 2: on day 2 only the spike fires again.
    Lifecycle.EpisodesByRule byRule =
        cooldowns(r -> r.equals("spike") ? Duration.ZERO : Duration.ofDays(14));
    Lifecycle l = new Lifecycle();
    Set<String> both = Set.of(SPIKE_SCOPE, "os-shift:system");
    List<Finding> present = List.of(SPIKE, OS_WINDOWS);
    assertEquals(2, l.step(PKG, day(0), both, present, byRule).size());
    assertEquals(2, l.step(PKG, day(1), both, List.of(), byRule).size());
    List<Alert> day2 = l.step(PKG, day(2), both, present, byRule);
    assertEquals(List.of("spike"), day2.stream().map(Alert::rule).toList());
    assertEquals(List.of("F@2"), transitions(day2));
  }

  @Test
  void onlyItsOwnScopeResolvesAFingerprint() {
    // A day judged by the share rules only says nothing of the spike.
    Lifecycle l = new Lifecycle();
    spikeDay(l, 0, true, SEVEN_DAYS);
    assertEquals(List.of(), l.step(PKG, day(1), Set.of("os-shift:system", "drop:overall"),
        List.of(), SEVEN_DAYS));
    assertEquals(1, l.firing(PKG).size());
    assertEquals(List.of("R@2"), transitions(spikeDay(l, 2, false, SEVEN_DAYS)));
  }

  @Test
  void fingerprintsAndPackagesAreIndependent() {
    Lifecycle l = new Lifecycle();
    Finding linux = new Finding("os-shift:pip:system:linux", "os-shift", "system", "linux",
        Severity.WARNING, 50, 70, 86.4, "pip: Linux fell");
    Set<String> os = Set.of("os-shift:system");
    assertEquals(2, l.step(PKG, day(0), os, List.of(OS_WINDOWS, linux), SEVEN_DAYS).size());
    // Linux ends, Windows goes on; numpy's own condition is its own.
    List<Alert> d1 = l.step(PKG, day(1), os, List.of(OS_WINDOWS), SEVEN_DAYS);
    assertEquals(List.of("os-shift:pip:system:linux"), d1.stream().map(Alert::fingerprint).toList());
    assertEquals(AlertState.RESOLVED, d1.get(0).state());
    assertEquals(1, l.step("numpy", day(1), os, List.of(OS_WINDOWS), SEVEN_DAYS).size());
    assertEquals(List.of(OS_WINDOWS.fingerprint()),
        l.firing(PKG).stream().map(Alert::fingerprint).toList());
    assertEquals(1, l.firing("numpy").size());
  }

  @Test
  void aRestoredFiringAlertDoesNotFireAgainAndResolvesOnce() {
    // Before a restart the spike fired on day 3; the last transition is read back.
    Alert last = Lifecycle.alert(PKG, day(3), SPIKE);
    Lifecycle l = new Lifecycle();
    l.restore(List.of(last));
    assertEquals(List.of(last), l.firing(PKG));
    assertEquals(List.of(), spikeDay(l, 4, true, SEVEN_DAYS));
    List<Alert> resolved = spikeDay(l, 5, false, SEVEN_DAYS);
    assertEquals(List.of("R@5"), transitions(resolved));
    assertEquals("pip: spike (overall without_mirrors) ended on 2025-12-29 (Mon); it started on"
        + " 2025-12-27", resolved.get(0).summary());
  }

  @Test
  void aRestoredResolutionStartsItsCooldown() {
    // Resolved on day 3 before the restart: with 7 days, an episode on day 9 is suppressed, one
    // on day 10 (3 + 7) fires.
    Alert fired = Lifecycle.alert(PKG, day(2), SPIKE);
    Alert resolved = new Alert(fired.fingerprint(), PKG, fired.rule(), fired.series(),
        fired.category(), day(3), AlertState.RESOLVED, fired.severity(), fired.observed(),
        fired.expected(), fired.score(), "ended", fired.link());
    Lifecycle early = new Lifecycle();
    early.restore(List.of(resolved));
    assertEquals(List.of(), early.firing(PKG));
    assertEquals(List.of(), spikeDay(early, 9, true, SEVEN_DAYS));
    Lifecycle late = new Lifecycle();
    late.restore(List.of(resolved));
    assertEquals(List.of("F@10"), transitions(spikeDay(late, 10, true, SEVEN_DAYS)));
    // Transitions are restored in order: the later resolution wins over the firing.
    Lifecycle both = new Lifecycle();
    both.restore(List.of(fired, resolved));
    assertEquals(List.of(), both.firing(PKG));
    assertEquals(List.of(), spikeDay(both, 4, false, SEVEN_DAYS));
  }

  @Test
  void aBackfillSteppedInOneGoGivesTheLiveTransitionsAtTheirDates() {
    // The first poll publishes a whole window; the days are stepped one after another in one go.
    // Cooldowns count data days, not wall-clock time: resolved on day 4, the episodes of days 6
    // and 10 (before 4 + 7) are suppressed as they would have been live; day 18's fires.
    String history = "..xx..x...xx......xxx.";
    Lifecycle backfill = new Lifecycle();
    List<Alert> all = run(backfill, history, SEVEN_DAYS);
    assertEquals(List.of("F@2", "R@4", "F@18", "R@21"), transitions(all));
    // Live, one day at a time in separate calls, by another instance: the same.
    Lifecycle live = new Lifecycle();
    List<Alert> got = new ArrayList<>();
    for (int i = 0; i < history.length(); i++) {
      got.addAll(spikeDay(live, i, history.charAt(i) == 'x', SEVEN_DAYS));
    }
    assertEquals(transitions(all), transitions(got));
  }

  @Test
  void forgettingAPackageDropsItsStates() {
    Lifecycle l = new Lifecycle();
    spikeDay(l, 0, true, SEVEN_DAYS);
    l.forget(PKG);
    assertEquals(List.of(), l.firing(PKG));
    // The condition is a new episode again, with no resolution of the forgotten one.
    assertEquals(List.of("F@1"), transitions(spikeDay(l, 1, true, SEVEN_DAYS)));
  }
  /** A drop finding measured against {@code expected}. */
  private static Finding drop(double expected) {
    return new Finding("drop:pip:overall:without_mirrors", "drop", "overall",
        Categories.WITHOUT_MIRRORS, Severity.WARNING, expected * 0.3, expected, 5.0, "pip: fell");
  }

  private static List<Alert> dropDay(Lifecycle l, int i, Finding f) {
    return l.step(PKG, day(i), Set.of("drop:overall"), f == null ? List.of() : List.of(f),
        DROPS);
  }

  @Test
  void aFallFromTheLevelTheLastOneEndedAtIsANewEpisodeEvenWhileItFiresOrCoolsDown() {
    // While firing: the same expectation (or one above half of it) goes on; at or below half
    // (the first fall became the baseline and a second one starts from there), the first episode
    // resolves and the second fires, that same day.
    Lifecycle l = new Lifecycle();
    assertEquals(List.of("F@0"), transitions(dropDay(l, 0, drop(10_000))));
    assertEquals(List.of(), transitions(dropDay(l, 1, drop(10_000))));
    assertEquals(List.of(), transitions(dropDay(l, 2, drop(5_001))));
    List<Alert> renewed = dropDay(l, 3, drop(5_000));
    assertEquals(List.of("R@3", "F@3"), transitions(renewed));
    assertEquals(5_000, renewed.get(1).expected(), ALLOWED_ERROR);
    // Cooling down after it: a fall against the same level is held back for as long as it lasts...
    assertEquals(List.of("R@4"), transitions(dropDay(l, 4, null)));
    assertEquals(List.of(), transitions(dropDay(l, 5, drop(4_000))));
    assertEquals(List.of(), transitions(dropDay(l, 6, drop(4_000))));
    // ...but one from half of it fires within the cooldown.
    assertEquals(List.of("F@7"), transitions(dropDay(l, 7, drop(2_500))));
    // Other rules (ratio 0) never renew, whatever their expectation.
    Lifecycle spikes = new Lifecycle();
    assertEquals(List.of("F@0"), transitions(spikes.step(PKG, day(0), SPIKE_JUDGED,
        List.of(SPIKE), r -> r.equals("drop") ? DROP_EPISODES
            : NO_COOLDOWN.of(r))));
    Finding lower = new Finding(SPIKE.fingerprint(), "spike", "overall",
        Categories.WITHOUT_MIRRORS, Severity.CRITICAL, 600, 0, 10.99, "pip: downloads spiked");
    assertEquals(List.of(), transitions(spikes.step(PKG, day(1), SPIKE_JUDGED, List.of(lower),
        r -> r.equals("drop") ? DROP_EPISODES
            : NO_COOLDOWN.of(r))));
  }

  @Test
  void aRestoredEpisodeKeepsItsExpectationForTheNewLevelRule() {
    Lifecycle before = new Lifecycle();
    Alert fired = dropDay(before, 0, drop(10_000)).get(0);
    Lifecycle after = new Lifecycle();
    after.restore(List.of(fired));
    assertEquals(List.of(), transitions(dropDay(after, 1, drop(9_000))));
    assertEquals(List.of("R@2", "F@2"), transitions(dropDay(after, 2, drop(4_000))));
  }
}

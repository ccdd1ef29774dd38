package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The injection protocol on hand-made recorded series. */
class EvaluationTest {
  private static final LocalDate FIRST = LocalDate.of(2025, 1, 1);
  private static final List<Evaluation.Injection> ALL = List.of(Evaluation.Injection.spike(3),
      Evaluation.Injection.spike(5), Evaluation.Injection.drop(0.5), Evaluation.Injection.drop(0.2));

  /** {@code days} days of overall with/without mirrors, day i's count from {@code count}. */
  static RecordedDays series(String pkg, int days, IntToLongFunction count) {
    List<DownloadRecord> records = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      long n = count.applyAsLong(i);
      if (n >= 0) {
        records.add(new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITH_MIRRORS,
            FIRST.plusDays(i), n));
        records.add(new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS,
            FIRST.plusDays(i), Math.round(n * 0.98)));
      }
    }
    return RecordedDays.of(pkg, records, List.of());
  }

  /** About 10,000 a day with +-3 % seeded noise. */
  static long quiet(int i) {
    return Math.round(10_000 * (1 + 0.03 * (new Random(i).nextDouble() * 2 - 1)));
  }

  @Test
  void plantedSpikesAndDropsOnAQuietSeriesAreAllFound() {
    RecordedDays s = series("quiet", 180, EvaluationTest::quiet);
    Evaluation.Outcome o = Evaluation.measure(s, RulesConfig.DEFAULTS,
        Evaluation.random(13, "quiet", 0), ALL);
    for (Evaluation.Trial t : o.trials()) {
      assertEquals(1, t.found(), t.toString());
      if (t.injection().kind() == Evaluation.Kind.SPIKE) {
        assertEquals(0, t.delay(), t.toString());
        assertTrue(!t.date().isBefore(FIRST.plusDays(120)), t.toString());
      } else {
        assertTrue(t.delay() >= 0 && t.delay() < Evaluation.DROP_DAYS, t.toString());
        long before = s.date(179).toEpochDay() - t.date().toEpochDay() + 1;
        assertTrue(before >= 8 && before <= 50, t + ": " + before + " days before the end");
      }
    }
    assertEquals(0, o.falseSpikes() + o.falseDrops(), o.clean().toString());
    Evaluation.Score score = Evaluation.Score.of(ALL, List.of(o));
    score.tallies().forEach(t -> assertEquals(1.0, t.recall(), t.toString()));
    assertEquals(0.0, score.falsePer90());
  }

  @Test
  void falseEpisodesAreTheUntouchedSeriesFiringsInItsLast90Days() {
    // Real spikes on days 60 (before the counted 90 days), 100 and 150 (counted).
    Set<Integer> bumps = Set.of(60, 100, 150);
    RecordedDays s = series("bumpy", 180, i -> bumps.contains(i) ? 100_000 : quiet(i));
    Evaluation.Outcome o = Evaluation.measure(s, RulesConfig.DEFAULTS,
        Evaluation.random(13, "bumpy", 0), List.of(Evaluation.Injection.spike(3)));
    List<LocalDate> fired = SpikeDates.of(o);
    assertEquals(List.of(FIRST.plusDays(60), FIRST.plusDays(100), FIRST.plusDays(150)), fired);
    assertEquals(2, o.falseSpikes());
    assertEquals(0, o.falseDrops());
    assertEquals(90, o.countedDays());
    assertEquals(2.0, Evaluation.Score.of(List.of(Evaluation.Injection.spike(3)), List.of(o))
        .falsePer90(), 1e-12);
  }

  /** The dates of the untouched series' spike firings. */
  private static final class SpikeDates {
    static List<LocalDate> of(Evaluation.Outcome o) {
      return o.clean().stream().filter(a -> a.rule().equals("spike")
          && a.state() == dev.pypiwatch.events.AlertState.FIRING).map(a -> a.date()).toList();
    }
  }

  @Test
  void theSameSeedGivesTheSamePlacesAndAnotherSeedOthers() {
    RecordedDays s = series("quiet", 180, EvaluationTest::quiet);
    List<LocalDate> first = places(s, 13);
    assertEquals(first, places(s, 13));
    boolean moved = false;
    for (long seed = 14; seed < 24 && !moved; seed++) {
      moved = !places(s, seed).equals(first);
    }
    assertTrue(moved, "ten other seeds all drew " + first);
    // Two packages (or windows) draw from their own generators.
    assertNotEquals(Evaluation.random(13, "a", 0).nextLong(), Evaluation.random(13, "b", 0).nextLong());
    assertNotEquals(Evaluation.random(13, "a", 0).nextLong(), Evaluation.random(13, "a", 1).nextLong());
  }

  private static List<LocalDate> places(RecordedDays s, long seed) {
    return Evaluation.measure(s, RulesConfig.DEFAULTS, Evaluation.random(seed, s.pkg(), 0),
        List.of(Evaluation.Injection.spike(3), Evaluation.Injection.drop(0.5))).trials().stream()
        .map(Evaluation.Trial::date).toList();
  }

  @Test
  void spikesAreDrawnOnlyOnKnownDays() {
    // Only day 150 is known among the last 60: every seed puts the spike there.
    RecordedDays s = series("holey", 180, i -> i >= 120 && i != 150 && i != 179 ? -1 : quiet(i));
    for (long seed = 0; seed < 5; seed++) {
      LocalDate at = Evaluation.measure(s, RulesConfig.DEFAULTS, Evaluation.random(seed, "holey", 0),
          List.of(Evaluation.Injection.spike(3))).trials().get(0).date();
      assertTrue(at.equals(FIRST.plusDays(150)) || at.equals(FIRST.plusDays(179)), at.toString());
    }
  }

  @Test
  void windowsAreNewestFirstAndAShortSeriesIsOneWindow() {
    List<Evaluation.Series> w = Evaluation.windows(series("long", 400, EvaluationTest::quiet));
    assertEquals(2, w.size());
    assertEquals(FIRST.plusDays(399), w.get(0).date(179));
    assertEquals(FIRST.plusDays(220), w.get(0).date(0));
    assertEquals(FIRST.plusDays(40), w.get(1).date(0));
    assertEquals(1, Evaluation.windows(series("short", 150, EvaluationTest::quiet)).size());
    assertEquals(0, Evaluation.windows(series("tiny", 100, EvaluationTest::quiet)).size());
  }

  @Test
  void tiersAndSizesAreChecked() {
    assertEquals("<100", Evaluation.tier(99));
    assertEquals("100-1k", Evaluation.tier(100));
    assertEquals(">=1k", Evaluation.tier(1000));
    assertThrows(IllegalArgumentException.class, () -> Evaluation.Injection.spike(0.5));
    assertThrows(IllegalArgumentException.class, () -> Evaluation.Injection.drop(1.5));
  }

  @Test
  void anInjectionMultipliesEveryRecordOfItsDays() {
    RecordedDays s = series("quiet", 10, i -> 1000);
    RecordedDays m = s.multiplied(3, 2, 3);
    assertEquals(1000, m.total(2));
    assertEquals(3000, m.total(3));
    assertEquals(3000, m.total(4));
    assertEquals(1000, m.total(5));
    assertEquals(1000, s.total(3), "the original is unchanged");
  }
}

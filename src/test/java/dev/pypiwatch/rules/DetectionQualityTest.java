package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.RulesConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A small version of {@code bench/.../DetectionQuality} on three real series, so CI guards the
 * hole and gap properties and a recall floor. Full figures: {@code docs/detection.md}.
 */
class DetectionQualityTest {
  private static final List<String> PACKAGES = List.of("llm", "s3-credentials", "airtable-export");
  private static final int[] POSITIONS = {70, 95, 120, 145};

  @Test
  void holesAndTransientGapsCauseNoAlertAndInjectedAnomaliesAreFound() {
    int found = 0;
    int trials = 0;
    for (String pkg : PACKAGES) {
      RealSeries s = RealSeries.load(RealSeries.DIR.resolve(pkg + "_system.json"))
          .scaled(5000 / RealSeries.load(RealSeries.DIR.resolve(pkg + "_system.json")).medianTotal());
      List<Alert> clean = SeriesReplay.run(s, RulesConfig.DEFAULTS);
      for (int p : POSITIONS) {
        assertNoNewEpisode(clean, SeriesReplay.run(s.withHole(p), RulesConfig.DEFAULTS), s, p, pkg);
        assertNoNewEpisode(clean, SeriesReplay.run(s, RulesConfig.DEFAULTS, Set.of(p), 2), s, p, pkg);
        found += spikeOn(SeriesReplay.run(s.multiplied(p, 1, 5), RulesConfig.DEFAULTS), s, p) ? 1 : 0;
        found += dropWithinWeek(SeriesReplay.run(s.multiplied(p, 7, 0.2), RulesConfig.DEFAULTS), s, p)
            ? 1 : 0;
        trials += 2;
      }
    }
    assertTrue(found >= 0.6 * trials, "recall " + found + "/" + trials);
  }

  /** No firing from the hole day to 3 days after that is not an episode of the clean run. */
  private static void assertNoNewEpisode(List<Alert> clean, List<Alert> run, RealSeries s, int h,
      String pkg) {
    Set<String> keys = new HashSet<>();
    clean.stream().filter(a -> a.state() == AlertState.FIRING)
        .forEach(a -> keys.add(a.fingerprint() + "@" + a.date()));
    List<Alert> extra = run.stream().filter(a -> a.state() == AlertState.FIRING)
        .filter(a -> !a.date().isBefore(s.date(h)) && !a.date().isAfter(s.date(h + 3)))
        .filter(a -> java.util.stream.IntStream.rangeClosed(-3, 3)
            .noneMatch(d -> keys.contains(a.fingerprint() + "@" + a.date().plusDays(d))))
        .toList();
    assertEquals(List.of(), extra, pkg + " hole at " + s.date(h));
  }

  private static boolean spikeOn(List<Alert> alerts, RealSeries s, int p) {
    return SeriesReplay.firing(alerts, "spike").stream().anyMatch(a -> a.date().equals(s.date(p)));
  }

  private static boolean dropWithinWeek(List<Alert> alerts, RealSeries s, int p) {
    return SeriesReplay.firing(alerts, "drop").stream()
        .anyMatch(a -> !a.date().isBefore(s.date(p)) && !a.date().isAfter(s.date(p + 6)));
  }
}

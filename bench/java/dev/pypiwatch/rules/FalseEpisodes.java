package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.util.List;
import java.util.Locale;

/**
 * The false episodes of the real-series protocol one by one ({@link RealWindows}): for each window of
 * a tier ({@code -Dtier=100-1k}, default, or {@code >=1k}), the spike and drop firings of the
 * untouched window in its counted days, with score, sums and the 13 days before and 3 after (the
 * firing day in brackets), at the defaults. Used to read the fourth calibration round's false drops
 * ({@code docs/detection.md}); sort the output to group by half.
 */
public final class FalseEpisodes {
  private FalseEpisodes() {}

  public static void main(String[] args) {
    String tier = System.getProperty("tier", "100-1k");
    for (RealWindows.Window w : RealWindows.windows(RealSeries.loadOverall(RealSeries.OVERALL))) {
      if (!w.tier().equals(tier)) continue;
      RealSeries s = w.series();
      List<Alert> clean = SeriesReplay.run(s, RulesConfig.DEFAULTS);
      long from = s.date(s.size() - RealWindows.COUNTED).toEpochDay();
      for (Alert a : clean) {
        if (a.state() != AlertState.FIRING || a.date().toEpochDay() < from) continue;
        if (!(a.rule().equals("spike") || a.rule().equals("drop"))) continue;
        int i = (int) (a.date().toEpochDay() - s.first().toEpochDay());
        StringBuilder sb = new StringBuilder();
        for (int k = Math.max(0, i - 13); k <= Math.min(s.size() - 1, i + 3); k++) {
          sb.append(k == i ? "[" : "").append(s.total(k)).append(k == i ? "]" : "").append(' ');
        }
        System.out.printf(Locale.ROOT, "%s %s #%d %s %s score %.2f obs %.0f exp %.0f | %s%n",
            w.half(), w.pkg(), w.index(), a.rule(), a.date(), a.score(), a.observed(), a.expected(),
            sb);
      }
    }
  }
}

package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A sustained fall: over the last {@code days} known days, against weekday baselines moved to the
 * level of the two weeks before them ({@link Baselines#level}), the mean log residual (rises clipped
 * to zero, so one good day does not hide a fall) is below {@code -z * scale / sqrt(days)}, so is the
 * log of the window's downloads (each day counted at most at its baseline) over the baselines' sum
 * ({@link Window#sumScore}: a fall of the downloads, not only of the days' logs), the days' sum is
 * at most {@code max-ratio} of the baselines' sum and the baseline is large enough.
 * Unknown days are skipped, never counted as low (a window with skipped days needs one more noise
 * unit, and must also show the fall with the unknown days taken at their baselines); with fewer
 * than {@code days} known days within reach there is no verdict. A fall the ecosystem reference shows too is an upstream incident and not reported; a
 * window with a holiday in it must fall deeper ({@code holiday-max-ratio}).
 */
final class DropRule implements Rule {
  static final String NAME = "drop";
  /**
   * A drop measured against at most this fraction of what the last drop episode fired on is a new
   * fall from the level the last one ended at (its level has become the baseline): reported even
   * while the last episode is still firing or cooling down.
   */
  static final double NEW_LEVEL = 0.5;
  /** How far back (beyond {@code days}) unknown days may be skipped to find the known days. */
  static final int MAX_SKIPPED = 4;

  /**
   * The evidence over the window: sums and the mean clipped residual in noise units; {@code
   * skipped} if unknown days lie inside it (the window then reaches further back than usual).
   *
   * @param sumScore the fall of the window's sum in the same noise units: {@code ln(expected /
   *     capped) * sqrt(days) / scale}, where {@code capped} counts each day at most at its baseline.
   *     On a small noisy package a few days near zero weigh far more in the mean of the logs (13
   *     instead of 90 downloads is a residual of -1.9) than in the downloads lost; this asks that the
   *     downloads lost be beyond the noise of a window's sum too
   */
  record Window(LocalDate first, double observed, double expected, double score, boolean seasonal,
      boolean skipped, double sumScore) {
    double ratio() {
      return observed / Math.max(1e-9, expected);
    }
  }

  @Override
  public Set<String> scopes() {
    return Set.of(Rule.scope(NAME, Endpoint.OVERALL.path()));
  }

  @Override
  public Optional<List<Finding>> evaluate(Day day) {
    DropSettings s = day.settings().drop();
    SpikeSettings sp = day.settings().spike();
    DailySeries series = day.history().series(Endpoint.OVERALL, sp.category());
    if (!series.has(day.epochDay())) {
      return Optional.empty();
    }
    if (!s.enabled()) {
      return Optional.of(List.of());
    }
    if (known(series, day.epochDay(), s.days(), Holidays.NONE).length < s.days()) {
      // Too few known days (a long hole): no verdict. Judging "no drop" would resolve an ongoing
      // drop, which would then fire again (or sit out a cooldown) when the days come back.
      return Optional.empty();
    }
    Optional<Window> full = window(series, day.date(), s.days(), sp, Holidays.NONE);
    if (full.isEmpty() || !isDrop(full.get(), s, s.maxRatio())) {
      return Optional.of(List.of());
    }
    if (full.get().skipped() && !unknownAsUsual(series, day.date(), s.days(), sp)
        .filter(w -> isDrop(w, s, s.maxRatio())).isPresent()) {
      // The window reached back over unknown days to known low ones: a fall only if it shows with
      // the unknown days taken as ordinary (at their baselines), so a hole cannot swap an ordinary
      // day for an older low one.
      return Optional.of(List.of());
    }
    Optional<Window> drop = full;
    if (holiday(full.get(), day.date(), s)) {
      // The whole ecosystem downloads less on holidays. A fall is news then if the ordinary days
      // show it (holidays left out of the window) or if it is deeper than a holiday trough;
      // otherwise it neither fires nor resolves (an ongoing episode goes on).
      drop = window(series, day.date(), s.days(), sp, s.holidays())
          .filter(w -> isDrop(w, s, s.maxRatio()))
          .or(() -> window(series, day.date(), s.days(), sp, Holidays.NONE, s.holidays())
              .filter(w -> isDrop(w, s, s.maxRatio())))
          .or(() -> full.filter(w -> isDrop(w, s, s.holidayMaxRatio())));
      if (drop.isEmpty()) {
        return Optional.empty();
      }
    }
    // Against the reference, the fall is measured as the reference's is: on the weekday baselines.
    if (upstreamIncident(day, full.get(), s, sp)) {
      return Optional.of(List.of());
    }
    return Optional.of(List.of(finding(day, drop.get(), s, sp.category())));
  }

  private static boolean holiday(Window w, LocalDate date, DropSettings s) {
    for (LocalDate t = w.first(); !t.isAfter(date); t = t.plusDays(1)) {
      if (s.holidays().contains(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The last {@code days} known days up to {@code date} that are not in {@code excluded}, against
   * their baselines. Excluded days do not count towards {@link #MAX_SKIPPED}, nor make the window
   * stricter as unknown days do.
   */
  static Optional<Window> window(DailySeries series, LocalDate date, int days, SpikeSettings sp,
      Holidays excluded) {
    return window(series, date, days, sp, excluded, Holidays.NONE);
  }

  /**
   * {@link #window(DailySeries, LocalDate, int, SpikeSettings, Holidays)}, with the days in {@code
   * weekendLike} expected at most at the package's weekend level: on a holiday, a package used at
   * work downloads as on a weekend, one run by CI or bots hardly less.
   */
  static Optional<Window> window(DailySeries series, LocalDate date, int days, SpikeSettings sp,
      Holidays excluded, Holidays weekendLike) {
    // Epoch days, not dates: a date's arithmetic was most of this method's time (JFR of a backtest).
    int end = Math.toIntExact(date.toEpochDay());
    int[] known = known(series, end, days, excluded);
    if (known.length < days) {
      return Optional.empty();
    }
    int first = known[known.length - 1];
    // Unknown days inside the window (excluded days are not unknown).
    boolean skipped = false;
    for (int t = first; t <= end; t++) {
      skipped |= !contains(excluded, t) && !series.has(t);
    }
    // The noise unit comes from before the window, so the fall itself cannot widen it.
    Optional<Baselines.Estimate> noise = Baselines.at(series, first, sp.weeks(), sp.scaleFloor());
    if (noise.isEmpty()) {
      return Optional.empty();
    }
    // Judged against the package's recent level before the window (a package that tripled last
    // week falls from there; a slow decline is not a fall). So a fall that lasts becomes the new
    // level: its episode resolves after two to three weeks.
    double level = Baselines.level(series, first, sp.weeks());
    LocalDate firstDate = LocalDate.ofEpochDay(first);
    double weekend = weekendLike == Holidays.NONE ? Double.NaN
        : weekendLevel(series, firstDate, sp.weeks());
    double observed = 0;
    double capped = 0;
    double expected = 0;
    double clipped = 0;
    for (int t : known) {
      double b = Baselines.sameWeekday(series, t, sp.weeks());
      b = Double.isNaN(b) ? noise.get().baseline() : b;
      if (!Double.isNaN(weekend) && contains(weekendLike, t)) {
        b = Math.min(b, weekend);
      }
      b = Baselines.leveled(b, level);
      long x = series.at(t);
      observed += x;
      capped += Math.min(x, b);
      expected += b;
      clipped += Math.min(0, Robust.log1(x) - Robust.log1(b));
    }
    double score = -clipped / days * Math.sqrt(days) / noise.get().scale();
    return Optional.of(new Window(firstDate, observed, expected, score, noise.get().seasonal(), skipped,
        sumScore(capped, expected, days, noise.get().scale())));
  }

  /**
   * The last {@code days} calendar days to {@code date} against their baselines, each unknown day
   * counted as exactly its baseline (neither low nor high); judged at the usual z (no skipped days).
   * Empty during a cold start.
   */
  static Optional<Window> unknownAsUsual(DailySeries series, LocalDate date, int days,
      SpikeSettings sp) {
    LocalDate first = date.minusDays(days - 1L);
    Optional<Baselines.Estimate> noise = Baselines.at(series, first, sp.weeks(), sp.scaleFloor());
    if (noise.isEmpty()) {
      return Optional.empty();
    }
    double level = Baselines.level(series, Math.toIntExact(first.toEpochDay()), sp.weeks());
    double observed = 0;
    double capped = 0;
    double expected = 0;
    double clipped = 0;
    for (LocalDate t = first; !t.isAfter(date); t = t.plusDays(1)) {
      double b = Baselines.sameWeekday(series, t, sp.weeks());
      b = Baselines.leveled(Double.isNaN(b) ? noise.get().baseline() : b, level);
      double x = series.has(t) ? series.at(t) : b;
      observed += x;
      capped += Math.min(x, b);
      expected += b;
      clipped += Math.min(0, Robust.log1(x) - Robust.log1(b));
    }
    double score = -clipped / days * Math.sqrt(days) / noise.get().scale();
    return Optional.of(new Window(first, observed, expected, score, noise.get().seasonal(), false,
        sumScore(capped, expected, days, noise.get().scale())));
  }

  /** {@link Window#sumScore}: the log fall of the capped sum, in noise units of a mean of days. */
  static double sumScore(double capped, double expected, int days, double scale) {
    // No downloads at all in the window is the deepest fall (a score beyond any threshold).
    return Math.log(expected / Math.max(capped, 1e-9)) * Math.sqrt(days) / scale;
  }

  /**
   * The package's weekend level before {@code before}: the mean of its Saturday and Sunday
   * baselines of the week before; NaN if either is unknown.
   */
  static double weekendLevel(DailySeries series, LocalDate before, int weeks) {
    LocalDate sunday = before.minusDays(before.getDayOfWeek().getValue() % 7);
    double sat = Baselines.sameWeekday(series, sunday.minusDays(1), weeks);
    double sun = Baselines.sameWeekday(series, sunday, weeks);
    return (sat + sun) / 2;
  }

  /**
   * Up to {@code days} known epoch days, newest first, from {@code date} back over at most {@link
   * #MAX_SKIPPED} unknown days; days in {@code excluded} are passed over without counting.
   */
  static int[] known(DailySeries series, int date, int days, Holidays excluded) {
    int[] known = new int[days];
    int n = 0;
    int reach = days + MAX_SKIPPED;
    for (int i = 0; i < reach && n < days; i++) {
      int t = date - i;
      if (contains(excluded, t)) {
        reach++;
      } else if (series.has(t)) {
        known[n++] = t;
      }
    }
    return n == days ? known : Arrays.copyOf(known, n);
  }

  /** Whether epoch day {@code day} is one of {@code holidays}; no date made for none. */
  private static boolean contains(Holidays holidays, int day) {
    return !holidays.specs().isEmpty() && holidays.contains(LocalDate.ofEpochDay(day));
  }

  private static boolean isDrop(Window w, DropSettings s, double maxRatio) {
    // A window reaching over unknown days is one unit stricter (like a cold start): a hole or a
    // late day must not turn a borderline dip into an alert that the full data would not raise.
    if (!w.seasonal()) {
      return false; // too little history to tell a fall from the weekly cycle: quiet
    }
    double z = s.z() + (w.skipped() ? SpikeRule.COLD_START_EXTRA : 0);
    return w.expected() / s.days() >= s.minVolume() && w.ratio() <= maxRatio && w.score() > z
        && w.sumScore() > z;
  }

  /**
   * The ecosystem reference fell too (its ratio over its own last days at most {@code
   * reference-max-ratio}) and explains the package's fall: what is left of the package's ratio
   * once divided by the reference's is above {@code max-ratio}. A package at 20 % while the
   * ecosystem is at 80 % (a holiday, an upstream incident) has fallen by itself and is reported.
   */
  private static boolean upstreamIncident(Day day, Window drop, DropSettings s, SpikeSettings sp) {
    if (day.reference() == null) {
      return false;
    }
    DailySeries ref = day.reference().series(Endpoint.OVERALL, sp.category());
    return ref.has(day.epochDay())
        && window(ref, day.date(), s.days(), sp, Holidays.NONE)
            .filter(w -> w.ratio() <= s.referenceMaxRatio())
            .filter(w -> drop.ratio() / Math.max(1e-9, w.ratio()) > s.maxRatio())
            .isPresent();
  }

  private static Finding finding(Day day, Window w, DropSettings s, String category) {
    Severity severity = w.score() >= 2 * s.z() || w.ratio() <= 0.25
        ? Severity.CRITICAL : Severity.WARNING;
    String summary = day.pkg() + ": downloads fell to " + Math.round(100 * w.ratio())
        + "% of the usual over the " + s.days() + " known days " + w.first() + " to "
        + TextFormat.day(day.date()) + " (" + TextFormat.count(w.observed()) + " vs "
        + TextFormat.count(w.expected()) + " expected)";
    return new Finding(Fingerprints.of(NAME, day.pkg(), Endpoint.OVERALL.path(), category), NAME,
        Endpoint.OVERALL.path(), category, severity, w.observed(), w.expected(), w.score(),
        summary);
  }
}

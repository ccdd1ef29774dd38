package dev.pypiwatch.rules;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One day far above its weekday's baseline (moved to the package's level of the last two weeks,
 * {@link Baselines#level}): log residual above {@code z} noise units of a rise (the upper half of
 * the package's residuals, {@link Baselines.Estimate#riseScale}), and above
 * the absolute floors (baseline, excess, ratio) so that 3 to 12 downloads on a tiny package is
 * not news. During a cold start the threshold is one unit stricter. A surge the ecosystem
 * reference shows too is not reported (as {@link DropRule} does for falls).
 */
final class SpikeRule implements Rule {
  static final String NAME = "spike";
  /** Extra noise units demanded from the cold-start (non-weekday) estimate. */
  static final double COLD_START_EXTRA = 1.0;
  /** Days after an unknown day on which a spike needs {@link #COLD_START_EXTRA} more. */
  static final int AFTER_HOLE = 3;

  @Override
  public Set<String> scopes() {
    return Set.of(Rule.scope(NAME, Endpoint.OVERALL.path()));
  }

  @Override
  public Optional<List<Finding>> evaluate(Day day) {
    SpikeSettings s = day.settings().spike();
    DailySeries series = day.history().series(Endpoint.OVERALL, s.category());
    LocalDate d = day.date();
    int t = day.epochDay();
    if (!series.has(t)) {
      return Optional.empty();
    }
    if (!s.enabled()) {
      return Optional.of(List.of());
    }
    long x = series.at(t);
    return Optional.of(Baselines.at(series, t, s.weeks(), s.scaleFloor())
        .map(e -> atRecentLevel(series, t, e, s))
        .filter(e -> isSpike(x, e, s, afterHole(series, t)))
        .filter(e -> !mostlyMirrors(day, x, e, s))
        .filter(e -> !upstreamSurge(day, s))
        .map(e -> List.of(finding(day, x, e, s)))
        .orElse(List.of()));
  }

  /**
   * The weekday baseline moved to the recent level ({@link Baselines#level}); the noise unit stays
   * the one of the weekday residuals. Cold-start estimates stay as they are.
   */
  static Baselines.Estimate atRecentLevel(DailySeries series, int d, Baselines.Estimate e,
      SpikeSettings s) {
    if (!e.seasonal()) {
      return e;
    }
    double level = Baselines.level(series, d, s.weeks());
    return new Baselines.Estimate(Baselines.leveled(e.baseline(), level), e.scale(), true,
        e.riseScale());
  }

  /**
   * The score of {@code x} against {@code e}: log residual in noise units of a rise ({@link
   * Baselines.Estimate#riseScale}): a spike is judged against how far the package's good days
   * usually rise, not against its dips.
   */
  static double score(long x, Baselines.Estimate e) {
    return (Robust.log1(x) - Robust.log1(e.baseline())) / e.riseScale();
  }

  /**
   * An unknown day among the {@value #AFTER_HOLE} before {@code d}: the day's estimate lost a
   * recent value, so a borderline day could turn into a spike the full data would not raise.
   */
  static boolean afterHole(DailySeries series, int day) {
    for (int i = 1; i <= AFTER_HOLE; i++) {
      if (!series.has(day - i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpike(long x, Baselines.Estimate e, SpikeSettings s, boolean afterHole) {
    double b = e.baseline();
    double z = e.seasonal() && !afterHole ? s.z() : s.z() + COLD_START_EXTRA;
    return b >= s.minVolume() && x - b >= s.minIncrease() && x >= s.minRatio() * b
        && score(x, e) > z;
  }

  /**
   * The ecosystem reference ({@code drop.reference-package}, when recorded) spikes that day too:
   * at least {@code 1 / drop.reference-max-ratio} of its own baseline and beyond {@code z} of its
   * own noise: an ecosystem-wide surge (e.g. a CI storm after an outage), not this package's news.
   */
  static boolean upstreamSurge(Day day, SpikeSettings s) {
    if (day.reference() == null) {
      return false;
    }
    DailySeries ref = day.reference().series(Endpoint.OVERALL, s.category());
    if (!ref.has(day.epochDay())) {
      return false;
    }
    long x = ref.at(day.epochDay());
    return Baselines.at(ref, day.epochDay(), s.weeks(), s.scaleFloor())
        .filter(e -> x * day.settings().drop().referenceMaxRatio() >= e.baseline())
        .filter(e -> score(x, e) > s.z())
        .isPresent();
  }

  /** With mirrors counted: a spike whose excess is mostly mirror traffic is a sync, not news. */
  private static boolean mostlyMirrors(Day day, long x, Baselines.Estimate e, SpikeSettings s) {
    if (!s.category().equals(Categories.WITH_MIRRORS)) {
      return false;
    }
    DailySeries without = day.history().series(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS);
    double b = Baselines.sameWeekday(without, day.epochDay(), s.weeks());
    if (!without.has(day.epochDay()) || Double.isNaN(b)) {
      return false;
    }
    return without.at(day.epochDay()) - b < 0.5 * (x - e.baseline());
  }

  private static Finding finding(Day day, long x, Baselines.Estimate e, SpikeSettings s) {
    double score = score(x, e);
    Severity severity = score >= 2 * s.z() ? Severity.CRITICAL : Severity.WARNING;
    String usual = e.seasonal() ? "the usual " + TextFormat.weekday(day.date()) : "the recent median";
    String summary = day.pkg() + ": downloads spiked to " + TextFormat.count(x) + " on "
        + TextFormat.day(day.date()) + ", " + TextFormat.ratio(x / Math.max(1, e.baseline())) + " " + usual
        + " (" + TextFormat.count(e.baseline()) + ")";
    return new Finding(
        Fingerprints.of(NAME, day.pkg(), Endpoint.OVERALL.path(), s.category()), NAME,
        Endpoint.OVERALL.path(), s.category(), severity, x, e.baseline(), score, summary);
  }
}

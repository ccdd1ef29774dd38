package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.TextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Share shifts of the named categories of one endpoint: the median of the recent daily shares
 * against the median of the baseline days. Medians, not pooled shares: a one-day CI burst (mostly
 * Linux) moves a pooled share but not a median. Also reports a category crossing a configured
 * share upwards and, for Python versions, a version appearing above a floor share.
 */
final class ShareShiftRule implements Rule {
  /** The sd of a median of n normal values is about 1.25 sd / sqrt(n). */
  static final double MEDIAN_EFFICIENCY = 1.25;
  /**
   * Slack on the minimum change, in points: shares are binary fractions, so an exact 5-point move
   * (0.15 - 0.10) computes as 4.999999999999999 and would otherwise not count.
   */
  static final double POINTS_TOLERANCE = 1e-9;

  private final String name;
  private final String prefix;
  private final Endpoint endpoint;
  private final Function<RuleSettings, ShiftSettings> settings;

  /**
   * @param name the shift rule's name, e.g. {@code python-shift}
   * @param prefix the prefix of the crossing and new-category rules, e.g. {@code python}
   */
  ShareShiftRule(String name, String prefix, Endpoint endpoint,
      Function<RuleSettings, ShiftSettings> settings) {
    this.name = name;
    this.prefix = prefix;
    this.endpoint = endpoint;
    this.settings = settings;
  }

  @Override
  public Set<String> scopes() {
    String series = endpoint.path();
    return Set.of(Rule.scope(name, series), Rule.scope(prefix + "-crossing", series),
        Rule.scope(prefix + "-new", series));
  }

  @Override
  public Optional<List<Finding>> evaluate(Day day) {
    ShiftSettings s = settings.apply(day.settings());
    PackageHistory.EndpointSeries series = day.history().endpoint(endpoint);
    int end = day.epochDay();
    if (series == null || !series.known(end)) {
      return Optional.empty();
    }
    List<Finding> out = new ArrayList<>();
    if (!s.enabled()) {
      return Optional.of(out);
    }
    Shares shares = new Shares(series, end, s.recentDays(), s.baselineDays());
    // Half the recent days and half the baseline days must be known to speak at all.
    if (shares.recentDays() * 2 <= s.recentDays() || shares.baselineDays() * 2 < s.baselineDays()
        || shares.recentTotal() < s.minDownloads()) {
      return Optional.of(out);
    }
    // The baseline's shares, each category's sorted, read in place: moving the window is the work.
    SortedWindow window = series.shareWindow(shares.baselineEnd(), s.baselineDays());
    for (int i = 0; i < shares.categoryCount(); i++) {
      int c = shares.categoryIndex(i);
      judge(day, s, shares, series.name(c), window.lane(c), window.count(), shares.recentMedian(c), out);
    }
    return Optional.of(out);
  }

  /**
   * Judges one category from its sorted baseline shares {@code base[0..n)} and its recent median
   * {@code now}. The score (with the MAD under it) is computed only for a change that could be
   * reported: most categories move less than the minimum change on most days.
   */
  private void judge(Day day, ShiftSettings s, Shares shares, String c, double[] base, int n,
      double now, List<Finding> out) {
    double before = Robust.medianOfSorted(base, n);
    double delta = now - before;
    boolean moved = Math.abs(delta) * 100 >= s.minPoints() - POINTS_TOLERANCE;
    boolean crossed = false;
    for (double t : s.crossings()) {
      crossed |= before < t / 100 && now >= t / 100;
    }
    double floor = s.newCategoryShare() / 100;
    // The largest baseline share is the last of the sorted ones (shares are never negative).
    boolean appeared = floor > 0 && (n == 0 ? 0 : base[n - 1]) < floor && now >= floor;
    if (!moved && !crossed && !appeared) {
      return;
    }
    double score = Math.abs(delta) / sd(base, n, before, now, shares.recentTotal(), s.recentDays());
    if (moved && score >= s.z()) {
      Severity sev = score >= 2 * s.z() ? Severity.WARNING : Severity.INFO;
      String text = day.pkg() + ": " + label(c) + " share " + (delta > 0 ? "rose" : "fell")
          + " to " + TextFormat.percent(now) + " (from " + TextFormat.percent(before) + ", "
          + TextFormat.points(delta) + ") in the " + s.recentDays() + " days to " + TextFormat.day(day.date());
      out.add(finding(name, Fingerprints.of(name, day.pkg(), endpoint.path(), c), c, sev,
          now, before, score, text));
    }
    for (double t : s.crossings()) {
      if (before < t / 100 && now >= t / 100) {
        String rule = prefix + "-crossing";
        String text = day.pkg() + ": " + label(c) + " passed " + TextFormat.percent(t / 100)
            + " of downloads (" + TextFormat.percent(now) + ", was " + TextFormat.percent(before) + ")";
        out.add(finding(rule, Fingerprints.of(rule, day.pkg(), endpoint.path(), c,
            Long.toString(Math.round(t))), c, Severity.INFO, now, before, score, text));
      }
    }
    if (appeared) {
      String rule = prefix + "-new";
      String text = day.pkg() + ": " + label(c) + " appeared: " + TextFormat.percent(now)
          + " of downloads in the " + s.recentDays() + " days to " + TextFormat.day(day.date());
      out.add(finding(rule, Fingerprints.of(rule, day.pkg(), endpoint.path(), c), c,
          Severity.INFO, now, before, score, text));
    }
  }

  /**
   * The sd of the change: from the baseline's day-to-day spread (MAD), floored at the binomial sd
   * of a share of the recent downloads, so a perfectly steady baseline still has a noise unit.
   *
   * @param base the baseline shares, ascending in {@code base[0..n)}
   */
  static double sd(double[] base, int n, double before, double now, long total, int recentDays) {
    double spread = Robust.MAD_TO_SD * Robust.madOfSorted(base, n);
    double p = (before + now) / 2;
    double binomial = Math.sqrt(Math.max(p * (1 - p), 1e-6) / total);
    return MEDIAN_EFFICIENCY * Math.max(spread / Math.sqrt(recentDays), binomial);
  }

  private String label(String c) {
    return endpoint == Endpoint.SYSTEM ? Character.toUpperCase(c.charAt(0)) + c.substring(1)
        : "Python " + c;
  }

  private Finding finding(String rule, String fp, String c, Severity sev, double now,
      double before, double score, String text) {
    // Shares go out in percent: "observed 40.1" reads better than 0.401 in a notification.
    return new Finding(fp, rule, endpoint.path(), c, sev, 100 * now, 100 * before, score, text);
  }
}

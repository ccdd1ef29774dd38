package dev.pypiwatch.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How readily the spike, drop and share-shift rules fire ({@code rules.sensitivity}): a factor on
 * their thresholds in noise units ({@code z}) and on the share shifts' percentage points. {@code
 * normal} leaves the settings as they are; the other levels move those thresholds by the same
 * factor, so one word tunes the three rules together while the other floors (volumes, ratios)
 * stay. The points move because on a busy package a share's noise is tiny and the points alone
 * decide: without them a level would not change which share shifts are reported.
 */
public enum Sensitivity {
  /** Fewer alerts: thresholds x1.25 (spike 3.25 -> 4.06 noise units, os-shift 12 -> 15 points). */
  LOW(1.25),
  /** The settings as written (the defaults unless overridden). */
  NORMAL(1.0),
  /** More alerts: thresholds x0.8 (spike 3.25 -> 2.6 noise units, os-shift 12 -> 9.6 points). */
  HIGH(0.8);

  private final double factor;

  Sensitivity(double factor) {
    this.factor = factor;
  }

  /** The factor on the z thresholds. */
  public double factor() {
    return factor;
  }

  /** The name as written in the config: {@code low}, {@code normal}, {@code high}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The accepted words, for messages: {@code low, normal or high}. */
  public static String expected() {
    return "low, normal or high";
  }

  /**
   * The level named {@code word} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static Sensitivity parse(String word) {
    return Arrays.stream(values()).filter(s -> s.label().equals(word.toLowerCase(Locale.ROOT)))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            "expected " + expected() + ", got '" + word + "'"));
  }

  /**
   * {@code s} with the spike, drop and share-shift z thresholds and the share shifts' points times
   * {@link #factor()}.
   */
  public RuleSettings apply(RuleSettings s) {
    if (this == NORMAL) {
      return s; // exactly the settings as written
    }
    SpikeSettings p = s.spike();
    DropSettings d = s.drop();
    return new RuleSettings(
        new SpikeSettings(p.enabled(), p.category(), p.z() * factor, p.weeks(), p.scaleFloor(),
            p.minVolume(), p.minIncrease(), p.minRatio(), p.cooldown()),
        new DropSettings(d.enabled(), d.z() * factor, d.days(), d.maxRatio(), d.minVolume(),
            d.referencePackage(), d.referenceMaxRatio(), d.holidays(), d.holidayMaxRatio(),
            d.cooldown()),
        shift(s.pythonShift()), shift(s.osShift()), s.milestone(), s.trend());
  }

  private ShiftSettings shift(ShiftSettings s) {
    // The points move too: on busy packages the share's sd is tiny and the points alone decide.
    return new ShiftSettings(s.enabled(), s.minPoints() * factor, s.z() * factor, s.minDownloads(),
        s.recentDays(), s.baselineDays(), s.crossings(), s.newCategoryShare(), s.cooldown());
  }

  /** Every level, as {@code low, normal, high}. */
  public static String labels() {
    return Arrays.stream(values()).map(Sensitivity::label).collect(Collectors.joining(", "));
  }
}

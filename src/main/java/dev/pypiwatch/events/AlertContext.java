package dev.pypiwatch.events;

/**
 * Why an alert is probably happening: what else was true on its day. Every field is null when
 * unknown. The rule stage fills all but {@code release}; the notifier adds {@code release} when it
 * forms a notification (PyPI's JSON API is asked only then), so alerts on the topic never carry it.
 *
 * @param ecosystemChange the ecosystem reference's (e.g. {@code __all__}) downloads that day
 *     against its usual for the weekday, as a relative change ({@code -0.04} = 4 % below)
 * @param mirrorShare the share of mirror downloads that day, {@code (with - without) / with}
 * @param oneDayIn how rare the day's score is for this package: about one day in this many
 *     (rounded to a friendly number, at most 10,000); null for rules without noise units
 * @param unusual that in plain words, e.g. {@code about 1 day in 2,000 for this package}
 * @param weekday the day's weekday, e.g. {@code Sunday}
 * @param holiday the holiday entry ({@code rules.drop.holidays}) the day falls in, e.g. {@code
 *     christmas}
 * @param release a release uploaded that day or the day before
 */
public record AlertContext(Double ecosystemChange, Double mirrorShare, Long oneDayIn, String unusual,
    String weekday, String holiday, Release release) {

  /** A copy with {@code r} as the release. */
  public AlertContext withRelease(Release r) {
    return new AlertContext(ecosystemChange, mirrorShare, oneDayIn, unusual, weekday, holiday, r);
  }
}

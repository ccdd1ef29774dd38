package dev.pypiwatch.events;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One transition of an alert: it started firing, or it resolved. Carries its evidence so a
 * notification can explain itself.
 *
 * @param fingerprint stable id of the condition: package + rule + series/category (same for the
 *     firing and the resolving event of one episode, and across episodes)
 * @param packageName PEP 503 normalized package
 * @param rule rule name, e.g. {@code spike}, {@code drop}, {@code python-shift}, {@code os-shift}
 * @param series the endpoint the rule looked at, e.g. {@code overall}, {@code python_minor}
 * @param category the category, e.g. {@code without_mirrors}, {@code 3.13}, {@code windows}
 * @param date the day the transition was detected on
 * @param state firing or resolved
 * @param severity how urgent
 * @param observed what was seen (downloads, or a share in percent)
 * @param expected the baseline it was compared with
 * @param score how far from expected, in the rule's noise units
 * @param summary one line for humans
 * @param link the package's page on pypistats.org
 * @param context why it is probably happening (firing transitions); null when not known
 */
public record Alert(
    String fingerprint,
    String packageName,
    String rule,
    String series,
    String category,
    LocalDate date,
    AlertState state,
    Severity severity,
    double observed,
    double expected,
    double score,
    String summary,
    String link,
    AlertContext context) {

  /** An alert without context (resolutions, older events, tests). */
  public Alert(String fingerprint, String packageName, String rule, String series, String category,
      LocalDate date, AlertState state, Severity severity, double observed, double expected,
      double score, String summary, String link) {
    this(fingerprint, packageName, rule, series, category, date, state, severity, observed,
        expected, score, summary, link, null);
  }

  public Alert {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(link, "link");
  }

  /** A copy with {@code c} as its context. */
  public Alert withContext(AlertContext c) {
    return new Alert(fingerprint, packageName, rule, series, category, date, state, severity,
        observed, expected, score, summary, link, c);
  }

  /** The pypistats.org page of {@code pkg}. */
  public static String linkOf(String pkg) {
    return "https://pypistats.org/packages/" + pkg;
  }

  /**
   * True if this transition is history on {@code today}: its day is more than {@code maxAge}
   * (whole days) before it, as a first start's backfill or a catch-up after an outage is. Such a
   * transition is kept but not notified ({@code notify.max-alert-age}).
   */
  public boolean isHistory(LocalDate today, Duration maxAge) {
    return date.isBefore(firstDayOfNews(today, maxAge));
  }

  /** The first day whose transitions are news on {@code today}: those before it are history ({@link #isHistory}). */
  public static LocalDate firstDayOfNews(LocalDate today, Duration maxAge) {
    return today.minusDays(maxAge.toDays());
  }
}

package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A detector: what it sees on one day of one package. Pure. */
interface Rule {

  /**
   * What a rule is given for one day.
   *
   * @param pkg the package
   * @param history its data
   * @param reference the ecosystem reference's data (e.g. {@code __all__}), or null
   * @param date the day evaluated
   * @param settings the package's effective settings
   * @param epochDay {@code date}'s epoch day: the rules index their series by it, and converting
   *     the date in each rule was a visible share of a backtest's samples
   */
  record Day(String pkg, PackageHistory history, PackageHistory reference, LocalDate date,
      RuleSettings settings, int epochDay) {
    /** The day of {@code date}. */
    Day(String pkg, PackageHistory history, PackageHistory reference, LocalDate date,
        RuleSettings settings) {
      this(pkg, history, reference, date, settings, Math.toIntExact(date.toEpochDay()));
    }
  }

  /**
   * The {@code rule:series} pairs of the findings this rule produces, so that their alerts resolve
   * when a judged day no longer shows them.
   */
  Set<String> scopes();

  /** The scope of a finding of {@code rule} on {@code series}. */
  static String scope(String rule, String series) {
    return rule + ":" + series;
  }

  /**
   * The conditions present on {@code day}; empty if the rule cannot judge the day (its data for
   * the day is unknown), so ongoing alerts neither resolve nor fire.
   */
  Optional<List<Finding>> evaluate(Day day);
}

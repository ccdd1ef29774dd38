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
   */
  record Day(String pkg, PackageHistory history, PackageHistory reference, LocalDate date,
      RuleSettings settings) {}

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

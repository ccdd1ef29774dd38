package dev.pypiwatch.rules;

import java.util.List;

/**
 * The names the rule engine puts into an alert's {@code rule} field, so that config (notification
 * routes and silences) can reject a misspelt rule name at load time.
 */
public final class RuleNames {
  /**
   * Every rule name, in the order of docs/detection.md. The share-shift rules also report
   * crossings and, for Python versions, new versions under their own names.
   */
  public static final List<String> ALL = List.of("spike", "drop", "python-shift",
      "python-crossing", "python-new", "os-shift", "os-crossing", "milestone", "trend");

  private RuleNames() {}
}

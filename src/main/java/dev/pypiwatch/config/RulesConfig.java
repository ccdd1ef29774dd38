package dev.pypiwatch.config;

/** Settings of the detection rules, global and per package. SKELETON: being written. */
public record RulesConfig() {
  /** The defaults. */
  public static final RulesConfig DEFAULTS = new RulesConfig();
}

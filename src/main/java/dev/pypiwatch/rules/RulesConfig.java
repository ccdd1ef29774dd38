package dev.pypiwatch.rules;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of the detection rules: global ones (the {@code rules:} section) and the effective
 * ones of packages whose watchlist entry overrides some keys.
 *
 * @param global the settings of every package without overrides
 * @param packages effective settings by normalized package name; copied
 */
public record RulesConfig(RuleSettings global, Map<String, RuleSettings> packages) {

  /** The defaults, without overrides. */
  public static final RulesConfig DEFAULTS = new RulesConfig(RuleSettings.DEFAULTS, Map.of());

  public RulesConfig {
    Objects.requireNonNull(global, "global");
    packages = Map.copyOf(packages);
  }

  /** Global settings {@code global} without per-package overrides. */
  public static RulesConfig of(RuleSettings global) {
    return new RulesConfig(global, Map.of());
  }

  /** The settings that apply to {@code pkg} (normalized name). */
  public RuleSettings forPackage(String pkg) {
    return packages.getOrDefault(pkg, global);
  }
}

package dev.pypiwatch.rules;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the detection rules: global ones (the {@code rules:} section) and those of packages
 * whose watchlist entry overrides some keys, each at a {@link Sensitivity}.
 *
 * @param global the settings of every package without overrides, as written
 * @param packages settings by normalized package name, as written (before the sensitivity); copied
 * @param sensitivity the level of every package without its own ({@code rules.sensitivity})
 * @param sensitivities the levels of packages whose entry sets one; copied
 */
public record RulesConfig(RuleSettings global, Map<String, RuleSettings> packages,
    Sensitivity sensitivity, Map<String, Sensitivity> sensitivities) {

  /** The defaults, without overrides. */
  public static final RulesConfig DEFAULTS = new RulesConfig(RuleSettings.DEFAULTS, Map.of());

  public RulesConfig {
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(sensitivity, "sensitivity");
    packages = Map.copyOf(packages);
    sensitivities = Map.copyOf(sensitivities);
  }

  /** Settings at {@link Sensitivity#NORMAL}. */
  public RulesConfig(RuleSettings global, Map<String, RuleSettings> packages) {
    this(global, packages, Sensitivity.NORMAL, Map.of());
  }

  /** Global settings {@code global} without per-package overrides. */
  public static RulesConfig of(RuleSettings global) {
    return new RulesConfig(global, Map.of());
  }

  /** The settings that apply to {@code pkg} (normalized name): as written, at its sensitivity. */
  public RuleSettings forPackage(String pkg) {
    return sensitivityOf(pkg).apply(packages.getOrDefault(pkg, global));
  }

  /** The sensitivity of {@code pkg} (normalized name). */
  public Sensitivity sensitivityOf(String pkg) {
    return sensitivities.getOrDefault(pkg, sensitivity);
  }

  /** The longest {@link RuleSettings#lookBackDays()} of the global settings and every package's. */
  public int lookBackDays() {
    return packages.values().stream().mapToInt(RuleSettings::lookBackDays).reduce(global.lookBackDays(), Math::max);
  }

  /** The drop rule's ecosystem reference packages of the global settings and every package's. */
  public Set<String> referencePackages() {
    Set<String> refs = new HashSet<>();
    refs.add(forPackage("").drop().referencePackage());
    packages.keySet().forEach(p -> refs.add(forPackage(p).drop().referencePackage()));
    return Set.copyOf(refs);
  }

  /** The same settings with every package at {@code level}. */
  public RulesConfig at(Sensitivity level) {
    return new RulesConfig(global, packages, level, Map.of());
  }
}

package dev.pypiwatch.config;

import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.Sensitivity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packages to watch, in config order, each normalized name at most once.
 *
 * @param packages the packages; copied
 */
public record Watchlist(List<WatchedPackage> packages) {

  /** No packages. */
  public static final Watchlist EMPTY = new Watchlist(List.of());

  public Watchlist {
    packages = List.copyOf(packages);
    Set<String> seen = new HashSet<>();
    for (WatchedPackage p : packages) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException("package '" + p.name() + "' is listed twice");
      }
    }
  }

  /** The normalized names, in order. */
  public List<String> names() {
    return packages.stream().map(WatchedPackage::name).toList();
  }

  /** The rule settings (before the sensitivity) of the packages whose entry overrides some, by normalized name. */
  public Map<String, RuleSettings> ruleOverrides() {
    Map<String, RuleSettings> map = new HashMap<>();
    for (WatchedPackage p : packages) {
      p.rules().ifPresent(r -> map.put(p.name(), r));
    }
    return map;
  }

  /** The sensitivities of the packages whose entry sets one, by normalized name. */
  public Map<String, Sensitivity> sensitivityOverrides() {
    Map<String, Sensitivity> map = new HashMap<>();
    for (WatchedPackage p : packages) {
      p.sensitivity().ifPresent(s -> map.put(p.name(), s));
    }
    return map;
  }

  /** The number of packages. */
  public int size() {
    return packages.size();
  }

  /** True if no package is watched. */
  public boolean isEmpty() {
    return packages.isEmpty();
  }
}

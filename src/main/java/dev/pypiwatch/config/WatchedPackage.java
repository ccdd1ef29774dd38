package dev.pypiwatch.config;

import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.Sensitivity;
import java.util.Objects;
import java.util.Optional;

/**
 * One package of the watchlist.
 *
 * @param name the PEP 503 normalized name, as sent to the API and stored
 * @param declaredName the name as written in the config, for messages
 * @param location where the entry was written
 * @param rules the package's rule settings (as written, before the sensitivity) if its entry
 *     overrides any; empty for the global ones
 * @param sensitivity the package's {@code rules.sensitivity} if its entry sets one; empty for the
 *     global one
 */
public record WatchedPackage(String name, String declaredName, ConfigLocation location,
    Optional<RuleSettings> rules, Optional<Sensitivity> sensitivity) {

  public WatchedPackage {
    Objects.requireNonNull(declaredName, "declaredName");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(sensitivity, "sensitivity");
    if (!Objects.equals(name, PackageName.normalize(declaredName))) {
      throw new IllegalArgumentException(
          "name '" + name + "' is not the normalized form of '" + declaredName + "'");
    }
  }

  /**
   * A package named {@code declaredName}.
   *
   * @throws IllegalArgumentException if the name is not a valid package name
   */
  public static WatchedPackage of(String declaredName, ConfigLocation location) {
    return new WatchedPackage(
        PackageName.normalize(declaredName), declaredName, location, Optional.empty(),
        Optional.empty());
  }

  /** The same package with its own rule settings {@code settings} and {@code sensitivity}. */
  public WatchedPackage withRules(RuleSettings settings, Optional<Sensitivity> sensitivity) {
    return new WatchedPackage(name, declaredName, location, Optional.of(settings), sensitivity);
  }
}

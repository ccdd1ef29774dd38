package dev.pypiwatch.events;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation (PEP 508) and normalization (PEP 503) of Python package names.
 *
 * <p>The upstream replaces {@code .} and {@code _} with {@code -} but does not lower-case, so
 * every name is normalized before it is sent or stored.
 */
public final class PackageName {
  // PEP 508: ASCII letters and digits at both ends, with '.', '_' and '-' allowed inside.
  private static final Pattern VALID =
      Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
  // The upstream's name for ecosystem-wide totals; not a PEP 508 name but a valid query.
  private static final String ALL = "__all__";

  private PackageName() {}

  /** True if {@code name} is a valid PEP 508 distribution name (or the upstream's {@code __all__}). */
  public static boolean isValid(String name) {
    return name != null && (ALL.equals(name) || VALID.matcher(name).matches());
  }

  /**
   * The PEP 503 normalized form: lower-case, each run of {@code -}, {@code _}, {@code .} becomes
   * one {@code -}.
   *
   * @throws IllegalArgumentException if the name is not valid, with the reason
   */
  public static String normalize(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(describeInvalid(name));
    }
    if (ALL.equals(name)) {
      return ALL;
    }
    return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  /** A one-line reason why {@code name} is not a valid package name. */
  public static String describeInvalid(String name) {
    if (name == null || name.isEmpty()) {
      return "package name is empty";
    }
    return "invalid package name '" + TextFormat.printable(name) + "': expected ASCII letters, digits, '.', '_' and '-', "
        + "starting and ending with a letter or digit (PEP 508)";
  }
}

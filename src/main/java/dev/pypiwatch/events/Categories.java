package dev.pypiwatch.events;

import java.util.Locale;
import java.util.Map;

/**
 * Normalization of the upstream's category values, so that every stage spells them one way.
 *
 * <ul>
 *   <li>A missing category (JSON {@code null} or the string {@code "null"}, which the upstream
 *       stores for unknown Python versions and operating systems) becomes {@link #UNKNOWN}.
 *   <li>{@code system}: {@code Windows}, {@code Linux}, {@code Darwin}, {@code other} become
 *       {@code windows}, {@code linux}, {@code darwin}, {@code other}: the API's {@code os} filter
 *       values.
 *   <li>Everything else (Python versions, {@code with_mirrors}/{@code without_mirrors}) is kept
 *       as sent.
 * </ul>
 *
 * <p>{@link #problem} says which values an endpoint can hold at all; the ingest rejects a row with
 * any other (a category is published to Kafka, keyed into alerts and shown in messages).
 */
public final class Categories {
  /** The one spelling of an absent category. */
  public static final String UNKNOWN = "unknown";

  public static final String WITH_MIRRORS = "with_mirrors";
  public static final String WITHOUT_MIRRORS = "without_mirrors";

  private static final Map<String, String> OS =
      Map.of("windows", "windows", "linux", "linux", "darwin", "darwin", "other", "other");

  /** Longest excerpt of a rejected value in {@link #problem}'s answer. */
  private static final int MAX_VALUE_CHARS = 40;

  private Categories() {}

  /**
   * Why {@code raw} cannot be a category of {@code endpoint}, or null if it can. Accepted, besides
   * a missing category (null, {@code "null"}, empty): {@code overall} {@code with_mirrors} and
   * {@code without_mirrors}; {@code python_major} a version {@code N}; {@code python_minor} a
   * version {@code N.M} (1 to 3 ASCII digits each); {@code system} {@code Windows}, {@code Linux},
   * {@code Darwin} or {@code other} (in any case). {@code recent} has no categories.
   */
  public static String problem(Endpoint endpoint, String raw) {
    if (raw == null || raw.equals("null") || raw.isEmpty()) {
      return null;
    }
    String expected = switch (endpoint) {
      case OVERALL -> raw.equals(WITH_MIRRORS) || raw.equals(WITHOUT_MIRRORS) ? null
          : "with_mirrors, without_mirrors or null";
      case PYTHON_MAJOR -> digits(raw, 0, raw.length()) ? null
          : "a Python major version (N) or null";
      case PYTHON_MINOR -> isMinorVersion(raw) ? null : "a Python minor version (N.M) or null";
      case SYSTEM -> OS.containsKey(raw.toLowerCase(Locale.ROOT)) ? null
          : "Windows, Linux, Darwin, other or null";
      case RECENT -> "no category (recent has none)";
    };
    if (expected == null) {
      return null;
    }
    String shown = raw.length() <= MAX_VALUE_CHARS ? raw : raw.substring(0, MAX_VALUE_CHARS) + "…";
    return "expected " + expected + ", got \"" + TextFormat.printable(shown) + "\"";
  }

  private static boolean isMinorVersion(String raw) {
    int dot = raw.indexOf('.');
    return dot > 0 && digits(raw, 0, dot) && digits(raw, dot + 1, raw.length());
  }

  /** True if {@code s[from, to)} is 1 to 3 ASCII digits. */
  private static boolean digits(String s, int from, int to) {
    if (to - from < 1 || to - from > 3) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The normalized spelling of an upstream category of {@code endpoint}. */
  public static String normalize(Endpoint endpoint, String raw) {
    if (raw == null || raw.equals("null") || raw.isEmpty()) {
      return UNKNOWN;
    }
    if (endpoint == Endpoint.SYSTEM) {
      String os = OS.get(raw.toLowerCase(Locale.ROOT));
      return os != null ? os : raw;
    }
    return raw;
  }
}

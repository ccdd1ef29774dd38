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
 */
public final class Categories {
  /** The one spelling of an absent category. */
  public static final String UNKNOWN = "unknown";

  public static final String WITH_MIRRORS = "with_mirrors";
  public static final String WITHOUT_MIRRORS = "without_mirrors";

  private static final Map<String, String> OS =
      Map.of("windows", "windows", "linux", "linux", "darwin", "darwin", "other", "other");

  private Categories() {}

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

package dev.pypiwatch.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats config sizes: a byte count such as {@code 1024}, or a number with a unit:
 * {@code B}, {@code KB}/{@code MB}/{@code GB} (powers of 1000) or {@code KiB}/{@code MiB}/{@code
 * GiB} (powers of 1024).
 */
public final class Sizes {
  /** Completes "expected ..." in messages. */
  public static final String EXPECTED = "a size such as 1024, 512KB, 4MB or 4MiB";

  private static final Pattern SIZE = Pattern.compile("(\\d+) ?([A-Za-z]*)");
  private static final Map<String, Long> UNITS =
      Map.of(
          "", 1L, "B", 1L,
          "KB", 1000L, "kB", 1000L, "MB", 1000L * 1000, "GB", 1000L * 1000 * 1000,
          "KiB", 1024L, "MiB", 1024L * 1024, "GiB", 1024L * 1024 * 1024);

  private Sizes() {}

  /**
   * Parses {@code text} into a number of bytes.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + EXPECTED + "; got '" + text + "'");
    }
    Long unit = UNITS.get(m.group(2));
    if (unit == null) {
      throw new IllegalArgumentException("expected " + EXPECTED + "; got '" + text
          + "' (unknown unit '" + m.group(2) + "'; use B, KB, MB, GB, KiB, MiB or GiB)");
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected " + EXPECTED + "; got '" + text + "', which is too large");
    }
  }

  /** Formats {@code bytes} with the largest unit that divides it exactly, e.g. {@code 4MiB}. */
  public static String format(long bytes) {
    String[][] units = {{"GiB", "GB"}, {"MiB", "MB"}, {"KiB", "KB"}};
    for (String[] pair : units) {
      for (String unit : pair) {
        long size = UNITS.get(unit);
        if (bytes != 0 && bytes % size == 0) {
          return bytes / size + unit;
        }
      }
    }
    return Long.toString(bytes);
  }
}

package dev.pypiwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats config durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 6h},
 * {@code 1d} and combinations from the largest unit down such as {@code 1h30m}.
 */
public final class Durations {
  /** Completes "expected ..." in messages. */
  public static final String EXPECTED = "a duration such as 500ms, 30s, 5m, 6h or 1d";

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
  private static final Pattern BARE_NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  // Largest first: a combination must list its units in this order, each at most once.
  private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message for the user, e.g. {@code expected a duration
   *     such as 500ms, 30s, 5m, 6h or 1d; got 'fast'}
   */
  public static Duration parse(String text) {
    if (BARE_NUMBER.matcher(text).matches()) {
      // "30" could be seconds or milliseconds; guessing wrong is a 1000x error, so refuse.
      throw new IllegalArgumentException(
          "a number without a unit is ambiguous: expected " + EXPECTED + "; got '" + text + "'");
    }
    if (text.startsWith("-")) {
      throw new IllegalArgumentException(
          "expected " + EXPECTED + " (not negative); got '" + text + "'");
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    int lastUnit = -1;
    try {
      while (m.find() && m.start() == end) {
        int unit = UNITS.indexOf(m.group(2));
        if (unit <= lastUnit) {
          throw invalid(text);
        }
        lastUnit = unit;
        total = total.plus(unitDuration(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
        end = m.end();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected " + EXPECTED + "; got '" + text + "', which is too large");
    }
    if (end == 0 || end != text.length()) {
      throw invalid(text);
    }
    return total;
  }

  /** Formats {@code d} in the config syntax, e.g. {@code 2s}, {@code 1m30s}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    String sign = d.isNegative() ? "-" : "";
    // Config durations have millisecond resolution; anything finer is only shown if it is all.
    long ms = d.abs().toMillis();
    if (ms == 0) {
      return sign + d.abs().toNanos() + "ns";
    }
    StringBuilder sb = new StringBuilder(sign);
    for (String unit : UNITS) {
      long size = unitDuration(unit).toMillis();
      if (ms >= size) {
        sb.append(ms / size).append(unit);
        ms %= size;
      }
    }
    return sb.toString();
  }

  private static Duration unitDuration(String unit) {
    return switch (unit) {
      case "d" -> Duration.ofDays(1);
      case "h" -> Duration.ofHours(1);
      case "m" -> Duration.ofMinutes(1);
      case "s" -> Duration.ofSeconds(1);
      default -> Duration.ofMillis(1);
    };
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("expected " + EXPECTED + "; got '" + text + "'");
  }
}

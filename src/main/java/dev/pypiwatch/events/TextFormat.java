package dev.pypiwatch.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How numbers, plurals and dates read wherever pypiwatch writes for people: alert summaries, Slack,
 * e-mail and the CLI table. {@code 3,412,000}, {@code 40.1%}, {@code 3 alerts}, {@code 2026-04-03
 * (Fri)}. A value that is not a finite number reads {@value #UNKNOWN}.
 */
public final class TextFormat {
  /** What a missing or non-finite value reads. */
  public static final String UNKNOWN = "n/a";
  // Weekday names looked up once: summaries are built for every finding of every day, and the
  // lookup through the locale data is costly (to run and for the JIT to compile into each rule).
  private static final String[] SHORT_DAYS = weekdays(TextStyle.SHORT);
  private static final String[] FULL_DAYS = weekdays(TextStyle.FULL);

  private TextFormat() {}

  private static String[] weekdays(TextStyle style) {
    return Arrays.stream(DayOfWeek.values())
        .map(d -> d.getDisplayName(style, Locale.ENGLISH)).toArray(String[]::new);
  }

  /**
   * {@code text} safe to echo in a one-line message or log: control characters, line and
   * paragraph separators, invisible format characters (such as bidirectional overrides),
   * unpaired surrogates and unassigned code points are escaped, {@code \r} {@code \n} {@code \t}
   * as such, the rest as {@code \}{@code uXXXX}; everything printable, letters of any script
   * included, stays as it is. Backslashes are kept, so escaping twice changes nothing: a message
   * escaped where it is built may pass through a sink that escapes it again. Null reads
   * {@code null}.
   */
  public static String printable(String text) {
    if (text == null) {
      return "null";
    }
    int i = 0;
    while (i < text.length() && isPrintable(text, i)) {
      i += Character.charCount(text.codePointAt(i));
    }
    if (i == text.length()) {
      return text; // the usual case: nothing to escape, no copy
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      if (isPrintable(text, i)) {
        sb.appendCodePoint(cp);
      } else if (cp == '\r') {
        sb.append("\\r");
      } else if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\t') {
        sb.append("\\t");
      } else {
        for (int k = 0; k < n; k++) { // a supplementary code point as its two UTF-16 units
          sb.append(String.format(Locale.ROOT, "\\u%04X", (int) text.charAt(i + k)));
        }
      }
      i += n;
    }
    return sb.toString();
  }

  private static boolean isPrintable(String text, int i) {
    char c = text.charAt(i);
    if (c >= 0x20 && c < 0x7F) {
      return true;
    }
    int cp = text.codePointAt(i);
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.SURROGATE, Character.UNASSIGNED,
          Character.PRIVATE_USE -> false;
      default -> true;
    };
  }

  /** Downloads, rounded, with thousands separators: {@code 3,412,000}. */
  public static String count(double n) {
    return Double.isFinite(n) ? grouped(Math.round(n)) : UNKNOWN;
  }

  /** {@code n} and {@code noun}, plural unless {@code n} is 1: {@code 1 alert}, {@code 3 alerts}. */
  public static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** One decimal: a score, {@code 4.2}. */
  public static String decimal(double v) {
    return Double.isFinite(v) ? oneDecimal(v, false) : UNKNOWN;
  }

  /** A ratio, {@code 3.0x}. */
  public static String ratio(double r) {
    return Double.isFinite(r) ? oneDecimal(r, false) + "x" : UNKNOWN;
  }

  /** A share (a fraction of 1) in percent: {@code 0.401} reads {@code 40.1%}. */
  public static String percent(double share) {
    return Double.isFinite(share) ? oneDecimal(100 * share, false) + "%" : UNKNOWN;
  }

  /** A relative change (a fraction of 1) in percent with its sign: {@code -0.25} reads {@code -25.0%}. */
  public static String change(double fraction) {
    return Double.isFinite(fraction) ? oneDecimal(100 * fraction, true) + "%" : UNKNOWN;
  }

  /** A change of share (a fraction of 1) in percentage points: {@code +5.0 pp}. */
  public static String points(double delta) {
    return Double.isFinite(delta) ? oneDecimal(100 * delta, true) + " pp" : UNKNOWN;
  }

  /**
   * An alert's observed or expected value: downloads on the {@code overall} series, a share
   * already in percent on the others (Python versions, systems): {@code 3,412,000}, {@code 40.1%}.
   */
  public static String alertValue(Alert a, double v) {
    if (!Double.isFinite(v)) {
      return UNKNOWN;
    }
    return a.series().equals(Endpoint.OVERALL.path()) ? count(v) : oneDecimal(v, false) + "%";
  }

  /**
   * {@code v} (finite) with one decimal, as {@code String.format(Locale.ROOT, "%.1f", v)} writes it
   * ({@code "%+.1f"} with {@code plus}): half-up on the digits of {@link Double#toString}, a minus
   * kept on what rounds to zero. Without the formatter's parsing of its pattern: summaries are
   * written for every finding of every day, and a backtest writes thousands.
   */
  static String oneDecimal(double v, boolean plus) {
    String digits = new BigDecimal(Double.toString(v)).setScale(1, RoundingMode.HALF_UP).toPlainString();
    boolean negative = v < 0 || Double.doubleToRawLongBits(v) == Long.MIN_VALUE;
    if (negative && digits.charAt(0) != '-') {
      return "-" + digits; // -0.04 and -0.0 read -0.0, as the formatter writes them
    }
    return plus && !negative ? "+" + digits : digits;
  }

  /** {@code n} with a comma between groups of three digits, as {@code "%,d"} writes it in {@link Locale#ROOT}. */
  static String grouped(long n) {
    String digits = Long.toString(n);
    int start = n < 0 ? 1 : 0;
    int length = digits.length() - start;
    if (length <= 3) {
      return digits;
    }
    StringBuilder sb = new StringBuilder(digits.length() + length / 3).append(digits, 0, start);
    int first = length % 3 == 0 ? 3 : length % 3;
    sb.append(digits, start, start + first);
    for (int i = start + first; i < digits.length(); i += 3) {
      sb.append(',').append(digits, i, i + 3);
    }
    return sb.toString();
  }

  /** A date with its weekday: {@code 2026-04-03 (Fri)}. */
  public static String day(LocalDate d) {
    return d + " (" + SHORT_DAYS[d.getDayOfWeek().ordinal()] + ")";
  }

  /** The weekday's full name: {@code Friday}. */
  public static String weekday(LocalDate d) {
    return FULL_DAYS[d.getDayOfWeek().ordinal()];
  }

  /**
   * How rare a day is, from about one day in {@code oneDayIn}: {@code about 1 day in 2,000 for this
   * package}, or {@code rarer than 1 day in 10,000 for this package} beyond {@code cap}.
   */
  public static String rarity(long oneDayIn, long cap) {
    return (oneDayIn > cap ? "rarer than 1 day in " + count(cap) : "about 1 day in " + count(oneDayIn))
        + " for this package";
  }

  private static final DateTimeFormatter UPLOADED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * A release against the alert's day: {@code 2.1.0, uploaded 2026-04-02 14:03 UTC, the day
   * before}.
   */
  public static String release(Release r, LocalDate alertDay) {
    LocalDate day = LocalDate.ofInstant(r.uploaded(), ZoneOffset.UTC);
    String when = day.equals(alertDay) ? "that day" : day.equals(alertDay.minusDays(1)) ? "the day before"
        : day.isBefore(alertDay) ? "on " + day(day) : "after it, on " + day(day);
    return r.version() + ", uploaded " + UPLOADED.format(r.uploaded()) + ", " + when;
  }

  /**
   * The alert's context as labelled lines, the one wording of every channel: {@code Unusual: about 1
   * day in 2,000 for this package}, {@code Day: Sunday}, {@code Ecosystem: -4.0% against its usual
   * Sunday}, {@code Mirrors: 12.0% of the day's downloads}, {@code Release: 2.1.0, uploaded …, the
   * day before}. Empty without a context; unknown parts are left out.
   */
  public static List<String> context(Alert a) {
    AlertContext c = a.context();
    List<String> lines = new ArrayList<>();
    if (c == null) {
      return lines;
    }
    if (c.unusual() != null) {
      lines.add("Unusual: " + c.unusual());
    }
    String weekday = c.weekday() != null ? c.weekday() : weekday(a.date());
    lines.add("Day: " + weekday + (c.holiday() == null ? ""
        : ", in the holiday period '" + c.holiday() + "' (the ecosystem downloads less)"));
    if (c.ecosystemChange() != null) {
      lines.add("Ecosystem: " + change(c.ecosystemChange()) + " against its usual " + weekday);
    }
    if (c.mirrorShare() != null) {
      lines.add("Mirrors: " + percent(c.mirrorShare()) + " of the day's downloads");
    }
    if (c.release() != null) {
      lines.add("Release: " + release(c.release(), a.date()));
    }
    return lines;
  }
}

package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The real server's JSON, written by hand to be byte-exact: compact, keys sorted ({@code
 * category, date, downloads}; {@code data, package, type}), rows grouped by category in byte order,
 * dates ascending, and its query filters with their quirks.
 */
final class Bodies {
  private Bodies() {}

  /** One row of a time series; {@code category} may be null (the JSON null). */
  record Row(String category, LocalDate date, long downloads) {}

  /** The upstream's {@code type} field of {@code endpoint}, e.g. {@code system_downloads}. */
  static String type(Endpoint endpoint) {
    return endpoint.path() + "_downloads";
  }

  /**
   * The category filter of {@code endpoint}'s query, as the server applies it: {@code mirrors=true}
   * keeps {@code with_mirrors}, {@code false} keeps {@code without_mirrors}, anything else keeps
   * all; {@code version} and {@code os} are title-cased before matching, so {@code os=other} and
   * {@code version=null} match nothing (the upstream stores {@code other} and {@code null}).
   */
  static Predicate<String> filter(Endpoint endpoint, Map<String, String> query) {
    String wanted = switch (endpoint) {
      case OVERALL -> switch (query.getOrDefault("mirrors", "")) {
        case "true" -> "with_mirrors";
        case "false" -> "without_mirrors";
        default -> null;
      };
      case PYTHON_MAJOR, PYTHON_MINOR -> title(query.get("version"));
      case SYSTEM -> title(query.get("os"));
      case RECENT -> null;
    };
    return wanted == null ? c -> true : wanted::equals;
  }

  /** Python's {@code str.title()}: upper-case the first letter of each run of letters. */
  static String title(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(s.length());
    boolean afterLetter = false;
    for (char c : s.toCharArray()) {
      out.append(afterLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
      afterLetter = Character.isLetter(c);
    }
    return out.toString();
  }

  /** A time-series body of {@code rows} (any order), grouped and sorted like the server's. */
  static String series(String pkg, Endpoint endpoint, List<Row> rows, Predicate<String> keep) {
    return series(pkg, endpoint, rows, keep, false);
  }

  /** {@link #series}, or with {@code asGiven} the rows in the order given (a shuffling test). */
  static String series(String pkg, Endpoint endpoint, List<Row> rows, Predicate<String> keep, boolean asGiven) {
    if (asGiven) {
      StringBuilder out = new StringBuilder(64 * 1024).append("{\"data\":[");
      boolean first = true;
      for (Row r : rows) {
        if (r.downloads() > 0 && keep.test(r.category() == null ? "null" : r.category())) {
          if (!first) {
            out.append(',');
          }
          first = false;
          appendRow(out, r);
        }
      }
      return envelope(out, pkg, type(endpoint));
    }
    Map<String, List<Row>> byCategory = new TreeMap<>();
    List<Row> nulls = new ArrayList<>();
    for (Row r : rows) {
      if (r.downloads() <= 0 || !keep.test(r.category() == null ? "null" : r.category())) {
        continue; // a day without downloads has no row
      }
      (r.category() == null ? nulls : byCategory.computeIfAbsent(r.category(), k -> new ArrayList<>())).add(r);
    }
    StringBuilder out = new StringBuilder(64 * 1024).append("{\"data\":[");
    boolean first = true;
    List<List<Row>> groups = new ArrayList<>(byCategory.values());
    groups.add(nulls);
    for (List<Row> group : groups) {
      group.sort((a, b) -> a.date().compareTo(b.date()));
      for (Row r : group) {
        if (!first) {
          out.append(',');
        }
        first = false;
        appendRow(out, r);
      }
    }
    return envelope(out, pkg, type(endpoint));
  }

  private static void appendRow(StringBuilder out, Row r) {
    out.append("{\"category\":").append(r.category() == null ? "null" : quote(r.category()))
        .append(",\"date\":\"").append(r.date()).append("\",\"downloads\":").append(r.downloads()).append('}');
  }

  /** {@code {"data":[],...}}: no rows. */
  static String empty(String pkg, Endpoint endpoint) {
    return envelope(new StringBuilder("{\"data\":["), pkg, type(endpoint));
  }

  /**
   * A {@code /recent} body; {@code period} {@code day}, {@code week} or {@code month} keeps that
   * figure only, null keeps all three (null figures are left out).
   */
  static String recent(String pkg, Long day, Long week, Long month, String period) {
    Map<String, Long> figures = new TreeMap<>();
    if (period == null || period.equals("day")) {
      figures.put("last_day", day);
    }
    if (period == null || period.equals("month")) {
      figures.put("last_month", month);
    }
    if (period == null || period.equals("week")) {
      figures.put("last_week", week);
    }
    StringBuilder out = new StringBuilder("{\"data\":{");
    boolean first = true;
    for (var e : figures.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append('"').append(e.getKey()).append("\":").append(e.getValue());
    }
    return out.append("},\"package\":").append(quote(pkg)).append(",\"type\":\"recent_downloads\"}").toString();
  }

  /** True if {@code period} is a value the server accepts (null: none given). */
  static boolean validPeriod(String period) {
    return period == null || period.equals("day") || period.equals("week") || period.equals("month");
  }

  /** The server's spelling of a requested name: {@code .} and {@code _} become {@code -}, case kept. */
  static String serverName(String pkg) {
    return pkg.equals("__all__") ? pkg : pkg.replace('.', '-').replace('_', '-');
  }

  private static String envelope(StringBuilder data, String pkg, String type) {
    return data.append("],\"package\":").append(quote(pkg)).append(",\"type\":\"").append(type).append("\"}").toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}

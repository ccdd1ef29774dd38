package dev.pypiwatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/**
 * How one kind of scalar is parsed and checked.
 *
 * @param expected completes "expected ...", e.g. {@code an integer >= 1}
 * @param parser parses the interpolated text; throws {@link IllegalArgumentException} with the
 *     complete message for the user
 */
record ValueType<T>(String expected, Function<String, T> parser) {

  /** Any text. */
  static final ValueType<String> STRING = new ValueType<>("a string", s -> s);

  /** Text without control characters, because it ends up in an HTTP header. */
  static final ValueType<String> HEADER_TEXT =
      new ValueType<>("a single line of text", s -> {
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new IllegalArgumentException(
              "expected a single line of text without control characters (it goes into the "
                  + "User-Agent header)");
        }
        return s;
      });

  /** An integer of at least 1. */
  static final ValueType<Integer> POSITIVE_INT =
      new ValueType<>("an integer >= 1", s -> {
        try {
          int n = Integer.parseInt(s);
          if (n >= 1) {
            return n;
          }
        } catch (NumberFormatException e) {
          // falls through to the message below
        }
        throw new IllegalArgumentException(message("an integer >= 1", BindContext.quote(s)));
      });

  /** A size in bytes, at least 1. */
  static final ValueType<Long> SIZE =
      new ValueType<>(Sizes.EXPECTED, s -> {
        long n = Sizes.parse(s);
        if (n < 1) {
          throw new IllegalArgumentException(message("a size of at least 1 byte", "'" + s + "'"));
        }
        return n;
      });

  /** An absolute http or https URL without query or fragment, because paths get appended. */
  static final ValueType<String> HTTP_URL =
      new ValueType<>("an http(s) URL such as https://pypistats.org/api", s -> {
        String expected = "an http(s) URL such as https://pypistats.org/api";
        try {
          URI uri = new URI(s);
          String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
          if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(message(expected, BindContext.quote(s)));
          }
          if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                message(expected + " with a host and without ?query or #fragment",
                    BindContext.quote(s)));
          }
          return s;
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException(message(expected, BindContext.quote(s)));
        }
      });

  /** A UTC time of day, {@code HH:MM} ({@code 2:00} is read as {@code 02:00}). */
  static final ValueType<LocalTime> TIME_OF_DAY =
      new ValueType<>("a UTC time of day such as 02:00 or 02:30", s -> {
        try {
          return LocalTime.parse(s.length() == 4 ? "0" + s : s);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              message("a UTC time of day such as 02:00 or 02:30", "'" + s + "'"));
        }
      });

  /** A Kafka topic name, checked here so a bad one fails at load rather than at first use. */
  static final ValueType<String> KAFKA_TOPIC =
      new ValueType<>("a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)", s -> {
        if (!s.matches("[A-Za-z0-9._-]{1,249}") || s.equals(".") || s.equals("..")) {
          throw new IllegalArgumentException(message(
              "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)", "'" + s + "'"));
        }
        return s;
      });

  /** A Kafka consumer group or transactional id. */
  static final ValueType<String> KAFKA_ID =
      new ValueType<>("a Kafka id (letters, digits, '.', '_', '-')", s -> {
        if (!s.matches("[A-Za-z0-9._-]{1,200}")) {
          throw new IllegalArgumentException(message(
              "a Kafka id (letters, digits, '.', '_', '-'; at most 200)", "'" + s + "'"));
        }
        return s;
      });

  /** {@code true} or {@code false}. */
  static final ValueType<Boolean> BOOLEAN =
      new ValueType<>("true or false", s -> switch (s) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(message("true or false", "'" + s + "'"));
      });

  /** A TCP port; 0 lets the system pick. */
  static final ValueType<Integer> PORT =
      new ValueType<>("a port number from 0 to 65535", s -> {
        try {
          int n = Integer.parseInt(s);
          if (n >= 0 && n <= 65535) {
            return n;
          }
        } catch (NumberFormatException e) {
          // falls through to the message below
        }
        throw new IllegalArgumentException(message("a port number from 0 to 65535", "'" + s + "'"));
      });

  /** A duration greater than zero, or also zero if {@code zeroAllowed}. */
  static ValueType<Duration> duration(boolean zeroAllowed) {
    return new ValueType<>(Durations.EXPECTED, s -> {
      Duration d = Durations.parse(s);
      if (d.isZero() && !zeroAllowed) {
        throw new IllegalArgumentException(
            message("a duration greater than zero such as 500ms, 30s or 5m", "'" + s + "'"));
      }
      return d;
    });
  }

  /** "expected X, got Y"; a semicolon instead when X itself is a list with commas. */
  static String message(String expected, String got) {
    return "expected " + expected + (expected.contains(",") ? "; " : ", ") + "got " + got;
  }
}

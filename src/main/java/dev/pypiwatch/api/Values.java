package dev.pypiwatch.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pypiwatch.outbound.Excerpt;
import java.io.IOException;

/** Reading and describing scalar values for {@link ResponseParser}. */
final class Values {
  private static final int MAX_VALUE_CHARS = 40;

  private Values() {}

  /**
   * A download count: a JSON integer in {@code 0..Long.MAX_VALUE}. Floats (even {@code 1.0}),
   * strings and booleans are rejected: a count the server did not send as an integer is suspect.
   */
  static Long readCount(JsonParser p, JsonToken t, String path, boolean nullable)
      throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new InvalidResponseException(path, "expected a non-negative integer, got "
            + describe(p, t) + " (out of range)");
      }
      long n = p.getLongValue();
      if (n >= 0) {
        return n;
      }
    } else if (t == JsonToken.VALUE_NULL && nullable) {
      return null;
    }
    throw new InvalidResponseException(path, "expected a non-negative integer"
        + (nullable ? " or null" : "") + ", got " + describe(p, t));
  }

  /** A short rendering of the current value: strings quoted, containers named, cut to 40. */
  static String describe(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "\"" + Excerpt.of(p.getText(), MAX_VALUE_CHARS) + "\"";
      default -> Excerpt.of(p.getText(), MAX_VALUE_CHARS);
    };
  }
}

package dev.pypiwatch.api;

import dev.pypiwatch.events.JsonBytes;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * A time-series body of the usual shape read in one pass over its bytes, without a JSON parser:
 * an object of {@code data}, {@code package} and {@code type} (each at most once), whose rows hold
 * exactly {@code category}, {@code date} and {@code downloads}, with JSON white space anywhere
 * between tokens, strings of printable ASCII without escapes, and counts of at most
 * {@value JsonBytes#MAX_DIGITS} digits. Anything else, however harmless, answers null, and {@link
 * ResponseParser}'s Jackson reader reads the body (and names any problem, in the words it always
 * used). What this accepts, Jackson reads to the same response.
 *
 * <p>Why: every poll and every backtest parses every body; Jackson's tokenizer alone cost more
 * than this whole pass, and the strings it decodes for each row's category and date are only
 * compared or checked.
 */
final class SeriesFastPath {
  private static final byte[] DATA = ascii("data");
  private static final byte[] PACKAGE = ascii("package");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] CATEGORY = ascii("category");
  private static final byte[] DATE = ascii("date");
  private static final byte[] DOWNLOADS = ascii("downloads");
  private static final byte[] NULL = ascii("null");
  /** Longer strings are left to Jackson, which also enforces its own limit on them. */
  private static final int MAX_STRING = 1_000;

  private final byte[] in;
  private int pos;
  private final DateCache dates = new DateCache();
  /** The category bytes of the previous row, and its string: rows come grouped by category. */
  private int lastCategoryFrom = -1;
  private int lastCategoryTo;
  private String lastCategory;
  // The fields of the row being read.
  private String category;
  private LocalDate date;
  private long downloads;

  private SeriesFastPath(byte[] in) {
    this.in = in;
  }

  /** The response in {@code body}, or null when it is not of the usual shape. */
  static SeriesResponse series(byte[] body) {
    return new SeriesFastPath(body).body();
  }

  private SeriesResponse body() {
    if (!skipTo('{')) {
      return null;
    }
    pos++;
    SeriesRow[] rows = null;
    String packageName = null;
    String type = null;
    boolean sawPackage = false;
    boolean sawType = false;
    do {
      int key = key();
      if (key < 0) {
        return null;
      }
      if (matches(key, DATA) && rows == null) {
        rows = rows();
        if (rows == null) {
          return null;
        }
      } else if (matches(key, PACKAGE) && !sawPackage) {
        sawPackage = true;
        if ((packageName = stringOrNull()) == null && pos < 0) {
          return null;
        }
      } else if (matches(key, TYPE) && !sawType) {
        sawType = true;
        if ((type = stringOrNull()) == null && pos < 0) {
          return null;
        }
      } else {
        return null;
      }
    } while (comma());
    if (rows == null || !skipTo('}')) {
      return null;
    }
    pos++;
    skipWhiteSpace();
    return pos == in.length ? new SeriesResponse(packageName, type, Arrays.asList(rows)) : null;
  }

  /** The {@code data} array at {@code pos} (after white space), stepped over; null if unusual. */
  private SeriesRow[] rows() {
    if (!skipTo('[')) {
      return null;
    }
    pos++;
    // A compact row is about 60 bytes: sized once, trimmed once, seldom grown.
    SeriesRow[] rows = new SeriesRow[Math.max(16, (in.length - pos) / 56)];
    int n = 0;
    skipWhiteSpace();
    if (pos < in.length && in[pos] == ']') {
      pos++;
      return new SeriesRow[0];
    }
    do {
      if (!row()) {
        return null;
      }
      if (n == rows.length) {
        rows = Arrays.copyOf(rows, n * 2);
      }
      rows[n++] = new SeriesRow(category, date, downloads);
    } while (comma());
    if (!skipTo(']')) {
      return null;
    }
    pos++;
    return n == rows.length ? rows : Arrays.copyOf(rows, n);
  }

  /** One row at {@code pos} (after white space) into the row fields, stepped over; false if unusual. */
  private boolean row() {
    if (!skipTo('{')) {
      return false;
    }
    pos++;
    boolean sawCategory = false;
    boolean sawDate = false;
    boolean sawDownloads = false;
    do {
      int key = key();
      if (key < 0) {
        return false;
      }
      if (matches(key, CATEGORY) && !sawCategory) {
        sawCategory = true;
        if ((category = category()) == null && pos < 0) {
          return false;
        }
      } else if (matches(key, DATE) && !sawDate) {
        sawDate = true;
        if ((date = date()) == null) {
          return false;
        }
      } else if (matches(key, DOWNLOADS) && !sawDownloads) {
        sawDownloads = true;
        if ((downloads = count()) < 0) {
          return false;
        }
      } else {
        return false;
      }
    } while (comma());
    if (!sawCategory || !sawDate || !sawDownloads || !skipTo('}')) {
      return false;
    }
    pos++;
    return true;
  }

  /**
   * The key at {@code pos} (after white space), stepped over with its colon: the index of its
   * first byte; -1 if unusual.
   */
  private int key() {
    if (!skipTo('"')) {
      return -1;
    }
    int from = ++pos;
    int end = stringEnd();
    if (end < 0) {
      return -1;
    }
    pos = end + 1;
    if (!skipTo(':')) {
      return -1;
    }
    pos++;
    return from;
  }

  /** True if the key starting at {@code from} (its closing quote included) is {@code name}. */
  private boolean matches(int from, byte[] name) {
    int to = from + name.length;
    if (to >= in.length || in[to] != '"') {
      return false;
    }
    for (int i = 0; i < name.length; i++) { // a loop: quicker than Arrays.equals for a few bytes
      if (in[from + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Steps over white space and a comma if one comes next; true if it did. */
  private boolean comma() {
    if (skipTo(',')) {
      pos++;
      return true;
    }
    return false;
  }

  /** Steps over white space; true if {@code c} comes next (not stepped over). */
  private boolean skipTo(char c) {
    skipWhiteSpace();
    return pos < in.length && in[pos] == c;
  }

  /** JSON's white space: what Jackson skips between tokens. */
  private void skipWhiteSpace() {
    while (pos < in.length) {
      byte b = in[pos];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      pos++;
    }
  }

  /**
   * Where the string whose first character is at {@code pos} ends (its closing quote); -1 if it
   * is not plain ASCII ({@link JsonBytes#stringEnd}) or is long.
   */
  private int stringEnd() {
    return JsonBytes.stringEnd(in, pos, Math.min(in.length, pos + MAX_STRING));
  }

  /**
   * A string or null at {@code pos} (after white space), stepped over; null for JSON null, and
   * null with {@code pos} = -1 if unusual.
   */
  private String stringOrNull() {
    int from = stringStart();
    int end = from < 0 ? -1 : closeString();
    if (end < 0) {
      return null;
    }
    return new String(in, from, end - from, StandardCharsets.ISO_8859_1); // ASCII: the quickest copy
  }

  /** Like {@link #stringOrNull}, the category string of the previous row if it is the same. */
  private String category() {
    int from = stringStart();
    int end = from < 0 ? -1 : closeString();
    if (end < 0) {
      return null;
    }
    if (lastCategoryFrom < 0
        || !Arrays.equals(in, from, end, in, lastCategoryFrom, lastCategoryTo)) {
      lastCategory = new String(in, from, end - from, StandardCharsets.ISO_8859_1);
      lastCategoryFrom = from;
      lastCategoryTo = end;
    }
    return lastCategory;
  }

  /**
   * The index of the closing quote of the string opened before {@code pos}, stepped over; -1 with
   * {@code pos} = -1 if the string is unusual.
   */
  private int closeString() {
    int end = stringEnd();
    pos = end < 0 ? -1 : end + 1;
    return end;
  }

  /**
   * After white space: the index of the first character of the string at {@code pos}, stepped
   * over its opening quote; -1 at JSON null (stepped over), and -1 with {@code pos} = -1 if
   * neither (or what follows {@code null} is unusual, e.g. {@code nullx}).
   */
  private int stringStart() {
    skipWhiteSpace();
    if (pos < in.length && in[pos] == '"') {
      return ++pos;
    }
    if (in.length - pos >= NULL.length && Arrays.equals(in, pos, pos + NULL.length, NULL, 0, NULL.length)) {
      pos += NULL.length;
      if (pos < in.length && isLetterOrDigit(in[pos])) {
        pos = -1;
      }
      return -1;
    }
    pos = -1;
    return -1;
  }

  /** The date string at {@code pos} (after white space), stepped over; null if unusual. */
  private LocalDate date() {
    if (!skipTo('"') || in.length - pos < 12 || in[pos + 11] != '"') {
      return null;
    }
    LocalDate d = dates.date(in, pos + 1);
    pos += 12;
    return d;
  }

  /**
   * The non-negative JSON integer at {@code pos} (after white space; no leading zero, at most
   * {@link JsonBytes#MAX_DIGITS} digits, followed by neither a fraction nor an exponent), stepped over; -1
   * if there is none such.
   */
  private long count() {
    skipWhiteSpace();
    int end = JsonBytes.digitsEnd(in, pos);
    long v = JsonBytes.unsigned(in, pos, end);
    if (v < 0 || end < in.length && (in[end] == '.' || isLetterOrDigit(in[end]))) {
      return -1;
    }
    pos = end;
    return v;
  }

  private static boolean isLetterOrDigit(byte b) {
    return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

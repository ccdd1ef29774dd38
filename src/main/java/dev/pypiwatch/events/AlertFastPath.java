package dev.pypiwatch.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * An alert byte for byte as {@link AlertCodec#encode} writes it (its fields in its order, no white
 * space, ASCII strings without escapes, numbers as JSON numbers, its context whole or absent) read
 * in one pass straight into its record: no parser, no field map, no tree for the context. Anything
 * else, however harmless, answers null, and {@link AlertCodec}'s general decoder reads the alert
 * (and names any problem, in the words it always used).
 *
 * <p>Why: the notifier decodes every alert it reads, and in a catch-up of history (alerts read,
 * judged and committed, none sent) the general decoder's parser was the largest part of its CPU
 * time (JFR; docs/benchmarks.md, section 10).
 */
final class AlertFastPath {
  private static final byte[] SCHEMA_FINGERPRINT =
      ascii("{\"schema\":\"" + AlertCodec.ALERT_SCHEMA + "\",\"fingerprint\":\"");
  private static final byte[] PACKAGE = ascii("\",\"package\":\"");
  private static final byte[] RULE = ascii("\",\"rule\":\"");
  private static final byte[] SERIES = ascii("\",\"series\":\"");
  private static final byte[] CATEGORY = ascii("\",\"category\":\"");
  private static final byte[] DATE = ascii("\",\"date\":\"");
  private static final byte[] STATE = ascii("\",\"state\":\"");
  private static final byte[] SEVERITY = ascii("\",\"severity\":\"");
  private static final byte[] OBSERVED = ascii("\",\"observed\":");
  private static final byte[] EXPECTED = ascii(",\"expected\":");
  private static final byte[] SCORE = ascii(",\"score\":");
  private static final byte[] SUMMARY = ascii(",\"summary\":\"");
  private static final byte[] LINK = ascii("\",\"link\":\"");
  private static final byte[] END = ascii("\"}");
  private static final byte[] CONTEXT = ascii("\",\"context\":{\"ecosystem_change\":");
  private static final byte[] MIRROR_SHARE = ascii(",\"mirror_share\":");
  private static final byte[] ONE_DAY_IN = ascii(",\"one_day_in\":");
  private static final byte[] UNUSUAL = ascii(",\"unusual\":");
  private static final byte[] WEEKDAY = ascii(",\"weekday\":");
  private static final byte[] HOLIDAY = ascii(",\"holiday\":");
  private static final byte[] RELEASE = ascii(",\"release\":");
  private static final byte[] VERSION = ascii("{\"version\":\"");
  private static final byte[] UPLOADED = ascii("\",\"uploaded\":\"");
  private static final byte[] CONTEXT_END = ascii("}}");
  /** The upload time's closing quote, then the ends of the release, the context and the alert. */
  private static final byte[] RELEASE_END = ascii("\"}}}");
  private static final byte[] NULL = ascii("null");
  private static final AlertState[] STATES = AlertState.values();
  private static final byte[][] STATE_WIRES = Arrays.stream(STATES).map(s -> ascii(s.wire())).toArray(byte[][]::new);
  private static final Severity[] SEVERITIES = Severity.values();
  private static final byte[][] SEVERITY_WIRES =
      Arrays.stream(SEVERITIES).map(s -> ascii(s.wire())).toArray(byte[][]::new);
  /** Longer numbers (rare) are left to the general decoder. */
  private static final int MAX_NUMBER = 32;
  /** What {@link #nullableString} answers for anything but a plain string or null (compared by identity). */
  private static final String INVALID = new String("invalid");
  /** What {@link #nullableNumber} answers for anything but a number or null (compared by identity). */
  private static final Double INVALID_NUMBER = Double.valueOf(Double.NaN);
  /** What {@link #nullableNumber} answers in head mode for any number (the number itself is not wanted). */
  private static final Double CHECKED_NUMBER = Double.valueOf(0);

  /** What {@link #text} answers in head mode for a string it only stepped over (compared by identity). */
  private static final String SKIPPED = new String("skipped");
  /** What {@link #context} answers in head mode for a context it only checked. */
  private static final AlertContext CHECKED_CONTEXT = new AlertContext(null, null, null, null, null, null, null);

  private final byte[] in;
  /** Head mode: the strings and context the head leaves out are checked and stepped over, not built. */
  private final boolean headOnly;
  private int pos;
  /** Set by {@link #number}: false when the number read had no fraction and no exponent. */
  private boolean fractional;
  /** The value of the last number {@link #number} read without fraction or exponent. */
  private long lastInteger;
  /** The value of the last number {@link #number} read (NaN for null). */
  private double lastNumber;

  private AlertFastPath(byte[] in, boolean headOnly) {
    this.in = in;
    this.headOnly = headOnly;
  }

  /** The alert in {@code json}, or null when it is not byte for byte of the usual shape. */
  static Alert alert(byte[] json) {
    if (json == null) {
      return null;
    }
    try {
      return (Alert) new AlertFastPath(json, false).read();
    } catch (DateTimeParseException e) {
      return null; // a release's upload time Instant.parse rejects: the general decoder names it
    }
  }

  /**
   * The head of the alert in {@code json} when {@link #alert} would read it (the whole alert is
   * checked, byte for byte, as there), else null: only its fingerprint, package, date and state are
   * built, for a reader that may need nothing more (a history firing).
   */
  static AlertCodec.LazyAlert head(byte[] json) {
    if (json == null) {
      return null;
    }
    try {
      return (AlertCodec.LazyAlert) new AlertFastPath(json, true).read();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The alert, or in head mode a {@link AlertCodec.LazyAlert} of its head; null if it is not of the usual shape. */
  private Object read() {
    String fingerprint;
    String pkg;
    String rule;
    String series;
    String category;
    LocalDate date;
    AlertState state;
    Severity severity;
    if (!literal(SCHEMA_FINGERPRINT) || (fingerprint = string()) == null
        || !literal(PACKAGE) || (pkg = string()) == null
        || !literal(RULE) || (rule = text()) == null
        || !literal(SERIES) || (series = text()) == null
        || !literal(CATEGORY) || (category = text()) == null
        || !literal(DATE) || (date = date()) == null
        || !literal(STATE) || (state = oneOf(STATES, STATE_WIRES)) == null
        || !literal(SEVERITY) || (severity = oneOf(SEVERITIES, SEVERITY_WIRES)) == null
        || !literal(OBSERVED)) {
      return null;
    }
    if (!number()) {
      return null;
    }
    double observed = lastNumber;
    if (!literal(EXPECTED) || !number()) {
      return null;
    }
    double expected = lastNumber;
    if (!literal(SCORE) || !number()) {
      return null;
    }
    double score = lastNumber;
    String summary;
    String link;
    if (!literal(SUMMARY) || (summary = text()) == null
        || !literal(LINK) || (link = text()) == null) {
      return null;
    }
    AlertContext context = null;
    if (literal(CONTEXT)) {
      context = context();
      if (context == null) {
        return null;
      }
    } else if (!literal(END)) {
      return null;
    }
    if (pos != in.length) {
      return null;
    }
    if (headOnly) {
      return new AlertCodec.LazyAlert(fingerprint, pkg, date, state, in);
    }
    return new Alert(fingerprint, pkg, rule, series, category, date, state, severity, observed, expected, score,
        summary, link, context);
  }

  /** The context after its first key, up to the end of the alert; null if it is not of the usual shape. */
  private AlertContext context() {
    String unusual;
    String weekday;
    String holiday;
    Double ecosystemChange = nullableNumber();
    if (ecosystemChange == INVALID_NUMBER || !literal(MIRROR_SHARE)) {
      return null;
    }
    Double mirrorShare = nullableNumber();
    if (mirrorShare == INVALID_NUMBER || !literal(ONE_DAY_IN)) {
      return null;
    }
    Double oneDay = nullableNumber();
    if (oneDay == INVALID_NUMBER || oneDay != null && fractional) {
      return null;
    }
    Long oneDayIn = oneDay == null ? null : lastInteger;
    if (!literal(UNUSUAL) || (unusual = nullableString()) == INVALID
        || !literal(WEEKDAY) || (weekday = nullableString()) == INVALID
        || !literal(HOLIDAY) || (holiday = nullableString()) == INVALID
        || !literal(RELEASE)) {
      return null;
    }
    Release release = null;
    if (!literal(NULL)) {
      String version;
      String uploaded;
      if (!literal(VERSION) || (version = string()) == null
          || !literal(UPLOADED) || (uploaded = string()) == null || !literal(RELEASE_END)) {
        return null;
      }
      release = new Release(version, Instant.parse(uploaded)); // as the general decoder reads it
    } else if (!literal(CONTEXT_END)) {
      return null;
    }
    if (headOnly) {
      return CHECKED_CONTEXT;
    }
    return new AlertContext(ecosystemChange, mirrorShare, oneDayIn, unusual, weekday, holiday, release);
  }

  /** Steps over {@code bytes} if they come next. */
  private boolean literal(byte[] bytes) {
    if (!JsonBytes.startsWith(in, pos, bytes)) {
      return false;
    }
    pos += bytes.length;
    return true;
  }

  /** The plain ASCII string whose first character is at {@code pos}, stepped over up to its closing quote; else null. */
  private String string() {
    int end = JsonBytes.stringEnd(in, pos, in.length);
    if (end < 0) {
      return null;
    }
    String s = new String(in, pos, end - pos, StandardCharsets.ISO_8859_1); // ASCII: the quickest copy
    pos = end;
    return s;
  }

  /** As {@link #string}; in head mode only stepped over ({@link #SKIPPED}), not built. */
  private String text() {
    if (!headOnly) {
      return string();
    }
    int end = JsonBytes.stringEnd(in, pos, in.length);
    if (end < 0) {
      return null;
    }
    pos = end;
    return SKIPPED;
  }

  /** A number but NaN (stepped over), null for {@code null}, else {@link #INVALID_NUMBER}. */
  private Double nullableNumber() {
    if (literal(NULL)) {
      return null;
    }
    if (!number() || Double.isNaN(lastNumber)) {
      return INVALID_NUMBER;
    }
    return headOnly ? CHECKED_NUMBER : lastNumber; // no box in head mode: only its validity counts
  }

  /** A quoted plain string (stepped over with its quotes), null for {@code null}, else {@link #INVALID}. */
  private String nullableString() {
    if (literal(NULL)) {
      return null;
    }
    if (pos >= in.length || in[pos] != '"') {
      return INVALID;
    }
    pos++;
    String s = text();
    if (s == null) {
      return INVALID;
    }
    pos++; // its closing quote
    return s;
  }

  /** The value whose spelling is the string at {@code pos}, stepped over; null for another string. */
  private <T> T oneOf(T[] values, byte[][] spellings) {
    int end = JsonBytes.stringEnd(in, pos, in.length);
    int v = end < 0 ? -1 : JsonBytes.spelling(in, pos, end, spellings);
    if (v < 0) {
      return null;
    }
    pos = end;
    return values[v];
  }

  /** The valid {@code yyyy-MM-dd} at {@code pos}, stepped over up to its closing quote; else null. */
  private LocalDate date() {
    if (in.length - pos < 11 || in[pos + 10] != '"') {
      return null;
    }
    LocalDate d = IsoTimes.date(in, pos);
    pos += 10;
    return d;
  }

  /**
   * Reads the JSON number at {@code pos} into {@link #lastNumber} as the general decoder reads it (an
   * integer as a long, at most {@link JsonBytes#MAX_DIGITS} digits, then widened; any other number
   * parsed as a double), or NaN for {@code null}, stepped over; false if there is neither.
   */
  private boolean number() {
    if (literal(NULL)) {
      lastNumber = Double.NaN;
      return true;
    }
    int start = pos;
    int i = pos < in.length && in[pos] == '-' ? pos + 1 : pos;
    int intEnd = JsonBytes.digitsEnd(in, i);
    if (intEnd == i || in[i] == '0' && intEnd - i > 1) {
      return false; // no digits, or a leading zero
    }
    int end = intEnd;
    fractional = false;
    if (end < in.length && in[end] == '.') {
      int f = JsonBytes.digitsEnd(in, end + 1);
      if (f == end + 1) {
        return false;
      }
      end = f;
      fractional = true;
    }
    if (end < in.length && (in[end] == 'e' || in[end] == 'E')) {
      int e = end + 1;
      if (e < in.length && (in[e] == '+' || in[e] == '-')) {
        e++;
      }
      int x = JsonBytes.digitsEnd(in, e);
      if (x == e) {
        return false;
      }
      end = x;
      fractional = true;
    }
    if (end - start > MAX_NUMBER) {
      return false;
    }
    double value;
    if (fractional && headOnly) {
      value = 0; // valid as checked above (Double.parseDouble reads every such number): a head wants no value
    } else if (fractional) {
      value = exactDouble(i, intEnd, end);
      if (Double.isNaN(value)) {
        value = Double.parseDouble(new String(in, i, end - i, StandardCharsets.ISO_8859_1)); // unsigned
      }
      if (i > start) {
        value = -value;
      }
    } else {
      long v = JsonBytes.unsigned(in, i, intEnd);
      if (v < 0) {
        return false; // too many digits for the quick check of its range
      }
      lastInteger = i > start ? -v : v;
      value = lastInteger;
    }
    pos = end;
    lastNumber = value;
    return true;
  }

  /** 10^0 to 10^22: exactly representable as doubles. */
  private static final double[] POWERS = new double[23];

  static {
    POWERS[0] = 1;
    for (int k = 1; k < POWERS.length; k++) {
      POWERS[k] = POWERS[k - 1] * 10;
    }
  }

  /**
   * The unsigned number {@code in[from, end)} (digits to {@code intEnd}, then an optional fraction
   * and exponent, checked already) when it has at most 15 significant digits and its decimal
   * exponent is within 22 of them: its digits and the power of ten are then exact doubles, and one
   * multiplication or division rounds correctly, as {@link Double#parseDouble} does (Clinger's
   * fast path). NaN for any other number: the caller parses it.
   */
  private double exactDouble(int from, int intEnd, int end) {
    long digits = 0;
    int count = 0;
    int scale = 0;
    int i = from;
    for (; i < end && in[i] != 'e' && in[i] != 'E'; i++) {
      if (in[i] == '.') {
        continue;
      }
      if (count > 0 || in[i] != '0') {
        count++;
      }
      if (count > 15) {
        return Double.NaN;
      }
      digits = digits * 10 + (in[i] - '0');
      if (i > intEnd) {
        scale--;
      }
    }
    if (i < end) {
      int e = i + 1;
      boolean negative = in[e] == '-';
      if (in[e] == '+' || negative) {
        e++;
      }
      if (end - e > 3) {
        return Double.NaN;
      }
      int exponent = 0;
      for (; e < end; e++) {
        exponent = exponent * 10 + (in[e] - '0');
      }
      scale += negative ? -exponent : exponent;
    }
    if (scale >= 0 && scale < POWERS.length) {
      return digits * POWERS[scale];
    }
    if (scale < 0 && -scale < POWERS.length) {
      return digits / POWERS[-scale];
    }
    return Double.NaN;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

package dev.pypiwatch.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * A download event byte for byte as {@link EventCodec#encode(DownloadObservation)} writes it (its
 * fields in its order, no white space, ASCII strings without escapes, valid values) read in one
 * pass straight into its record: no parser, no field map, no string for what is only compared or
 * checked. Anything else, however harmless, answers null, and {@link EventCodec}'s general decoder
 * reads the event (and names any problem, in the words it always used).
 *
 * <p>Why: every stage decodes every event of the downloads topic, and decoding was most of the rule
 * stage's time (JFR); the general decoder's Jackson parser alone costs more than this whole pass.
 */
final class DownloadFastPath {
  private static final byte[] SCHEMA_PACKAGE = ascii("{\"schema\":\"" + EventCodec.DOWNLOAD_SCHEMA + "\",\"package\":\"");
  private static final byte[] ENDPOINT = ascii("\",\"endpoint\":\"");
  private static final byte[] CATEGORY = ascii("\",\"category\":\"");
  private static final byte[] DATE = ascii("\",\"date\":\"");
  private static final byte[] DOWNLOADS = ascii("\",\"downloads\":");
  private static final byte[] ORIGIN = ascii(",\"origin\":\"");
  private static final byte[] PREVIOUS = ascii("\",\"previous_downloads\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] FETCHED_AT = ascii(",\"fetched_at\":\"");
  private static final byte[] SOURCE = ascii("\",\"source\":\"");
  private static final byte[] END = ascii("\"}");
  private static final Endpoint[] SERIES =
      Arrays.stream(Endpoint.values()).filter(Endpoint::isTimeSeries).toArray(Endpoint[]::new);
  private static final byte[][] SERIES_PATHS = Arrays.stream(SERIES).map(e -> ascii(e.path())).toArray(byte[][]::new);
  private static final Origin[] ORIGINS = Origin.values();
  private static final byte[][] ORIGIN_WIRES = Arrays.stream(ORIGINS).map(o -> ascii(o.wire())).toArray(byte[][]::new);

  // Shared by the decoding threads, racily: any entry seen is a whole one, and a stale one only
  // costs a parse.
  private static Last<LocalDate> lastDate;
  private static Last<Instant> lastFetchedAt;

  private final byte[] in;
  private int pos;
  // The fields as read.
  private String pkg;
  private Endpoint endpoint;
  private String category;
  private LocalDate date;
  private long downloads;
  private Origin origin;
  private Long previous;
  private Instant fetchedAt;
  private String source;

  private DownloadFastPath(byte[] in) {
    this.in = in;
  }

  /** The observation in {@code json}, or null when it is not byte for byte of the usual shape. */
  static DownloadObservation observation(byte[] json) {
    DownloadFastPath f = read(json, true);
    return f == null ? null : new DownloadObservation(f.record(), f.origin, f.previous, f.fetchedAt, f.source);
  }

  /** The record in {@code json} (its provenance checked, not kept), or null when it is not of the usual shape. */
  static DownloadRecord record(byte[] json) {
    DownloadFastPath f = read(json, false);
    return f == null ? null : f.record();
  }

  private DownloadRecord record() {
    return new DownloadRecord(pkg, endpoint, category, date, downloads);
  }

  private static DownloadFastPath read(byte[] json, boolean keepSource) {
    if (json == null) {
      return null;
    }
    DownloadFastPath f = new DownloadFastPath(json);
    return f.fields(keepSource) && f.pos == json.length
        && (f.origin != Origin.ZERO_FILLED || f.downloads == 0) ? f : null;
  }

  private boolean fields(boolean keepSource) {
    if (!literal(SCHEMA_PACKAGE) || (pkg = name()) == null
        || !literal(ENDPOINT) || (endpoint = oneOf(SERIES, SERIES_PATHS)) == null
        || !literal(CATEGORY) || (category = name()) == null
        || !literal(DATE) || (date = date()) == null
        || !literal(DOWNLOADS) || in.length - pos < 1 || in[pos] == '-' || (downloads = number()) < 0
        || !literal(ORIGIN) || (origin = oneOf(ORIGINS, ORIGIN_WIRES)) == null
        || !literal(PREVIOUS)) {
      return false;
    }
    if (!literal(NULL)) {
      long p = number();
      if (p == Long.MIN_VALUE) {
        return false;
      }
      previous = p;
    }
    if (!literal(FETCHED_AT)) {
      return false;
    }
    // A poll's events share their timestamp: checked once. A record does not keep it (the rules
    // never read it): checked, not built.
    Last<Instant> last = lastFetchedAt;
    int end;
    if (last != null && (last.value != null || !keepSource) && last.closesAt(in, pos)) {
      end = pos + last.bytes.length;
      fetchedAt = last.value;
    } else {
      end = stringEnd();
      if (end < 0) {
        return false;
      }
      fetchedAt = keepSource ? IsoTimes.instant(in, pos, end) : null;
      if (keepSource ? fetchedAt == null : !IsoTimes.isInstant(in, pos, end)) {
        return false;
      }
      lastFetchedAt = new Last<>(Arrays.copyOfRange(in, pos, end), fetchedAt);
    }
    pos = end;
    if (!literal(SOURCE) || (end = stringEnd()) < 0) {
      return false;
    }
    source = keepSource ? text(pos, end) : null;
    pos = end;
    return literal(END);
  }

  /** Steps over {@code bytes} if they come next. */
  private boolean literal(byte[] bytes) {
    if (!JsonBytes.startsWith(in, pos, bytes)) {
      return false;
    }
    pos += bytes.length;
    return true;
  }

  /** Where the string starting at {@code pos} ends (its closing quote); -1 if it is not plain ASCII. */
  private int stringEnd() {
    return JsonBytes.stringEnd(in, pos, in.length);
  }

  /**
   * The package or category at {@code pos}, stepped over up to its closing quote; null if it is
   * not plain ASCII. The same few names come again and again: each is built once ({@link Names}).
   */
  private String name() {
    int end = stringEnd();
    if (end < 0) {
      return null;
    }
    String s = Names.text(in, pos, end);
    pos = end;
    return s;
  }

  private String text(int from, int to) {
    return new String(in, from, to - from, StandardCharsets.ISO_8859_1); // ASCII: the quickest copy
  }

  /** The value whose spelling is the string at {@code pos}, stepped over; null for another string. */
  private <T> T oneOf(T[] values, byte[][] spellings) {
    int end = stringEnd();
    int v = end < 0 ? -1 : JsonBytes.spelling(in, pos, end, spellings);
    if (v < 0) {
      return null;
    }
    pos = end;
    return values[v];
  }

  /**
   * The date string at {@code pos}, stepped over up to its closing quote; null unless it is a
   * valid {@code yyyy-MM-dd} (whose 10 bytes are plain ASCII, so no other string is one).
   */
  private LocalDate date() {
    if (in.length - pos < 11 || in[pos + 10] != '"') {
      return null;
    }
    Last<LocalDate> last = lastDate;
    LocalDate d;
    if (last != null && last.is(in, pos, pos + 10)) {
      d = last.value; // the series of a day come together
    } else if ((d = IsoTimes.date(in, pos)) != null) {
      lastDate = new Last<>(Arrays.copyOfRange(in, pos, pos + 10), d);
    }
    pos += 10;
    return d;
  }

  /**
   * The JSON integer at {@code pos} (an optional minus, no leading zero, at most {@link
   * JsonBytes#MAX_DIGITS} digits), stepped over; {@link Long#MIN_VALUE} if there is none such.
   */
  private long number() {
    boolean negative = pos < in.length && in[pos] == '-';
    int first = negative ? pos + 1 : pos;
    int end = JsonBytes.digitsEnd(in, first);
    long v = JsonBytes.unsigned(in, first, end);
    if (v < 0) {
      return Long.MIN_VALUE;
    }
    pos = end;
    return negative ? -v : v;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A valid date or timestamp last read, by its bytes (a timestamp's {@code value} null: checked,
   * not built). Immutable, so the decoding threads may share the last one without locks.
   */
  private record Last<T>(byte[] bytes, T value) {
    boolean is(byte[] in, int from, int to) {
      return bytes.length == to - from && JsonBytes.startsWith(in, from, bytes);
    }

    /** True if the string at {@code from} is these bytes (which are plain ASCII) and closes after them. */
    boolean closesAt(byte[] in, int from) {
      int end = from + bytes.length;
      return end < in.length && in[end] == '"' && JsonBytes.startsWith(in, from, bytes);
    }
  }
}

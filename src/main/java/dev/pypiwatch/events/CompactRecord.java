package dev.pypiwatch.events;

import java.time.LocalDate;

/**
 * A {@link DownloadRecord} in a few bytes: the copy the poller puts beside each download event's
 * JSON (the {@code pypiwatch-record} header), so that the stages that read every event (the rule
 * stage above all) read five fields instead of scanning some 300 bytes of JSON. The JSON stays the
 * event and its contract: a record without this copy, or with one that does not read, is read from
 * its JSON.
 *
 * <p>Layout (version 1): the version byte {@code 1}; the endpoint's code ({@code 1} overall,
 * {@code 2} python_major, {@code 3} python_minor, {@code 4} system); the package and the category,
 * each a length byte and that many bytes of printable ASCII; the date as days since 1970-01-01 and
 * the downloads, each an unsigned LEB128 varint; nothing after.
 */
public final class CompactRecord {
  static final byte VERSION = 1;
  private static final Endpoint[] CODES = {null, Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM};
  /** 9999-12-31: the last day an event's {@code yyyy-MM-dd} can name. */
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  // Shared by the decoding threads, racily: an entry seen is a whole one (the series of a day come
  // together, so the last date is nearly always the next one).
  private static LastDate lastDate;

  private final byte[] in;
  private int pos;

  private CompactRecord(byte[] in) {
    this.in = in;
  }

  /**
   * The compact form of {@code r}, or null when it has none (a name longer than 255 bytes or not
   * printable ASCII, a date before 1970: such a record is read from its JSON).
   */
  public static byte[] encode(DownloadRecord r) {
    int code = code(r.endpoint());
    String pkg = r.packageName();
    String category = r.category();
    long day = r.date().toEpochDay();
    if (code < 0 || !printable(pkg) || !printable(category) || day < 0 || day > LAST_DAY) {
      return null;
    }
    byte[] out = new byte[2 + 1 + pkg.length() + 1 + category.length() + varintSize(day) + varintSize(r.downloads())];
    int p = 0;
    out[p++] = VERSION;
    out[p++] = (byte) code;
    p = name(out, p, pkg);
    p = name(out, p, category);
    p = varint(out, p, day);
    varint(out, p, r.downloads());
    return out;
  }

  /** The record in {@code bytes}, or null when they are not a compact record of this version. */
  public static DownloadRecord decode(byte[] bytes) {
    if (bytes == null || bytes.length < 6 || bytes[0] != VERSION || bytes[1] < 1 || bytes[1] >= CODES.length) {
      return null;
    }
    CompactRecord c = new CompactRecord(bytes);
    c.pos = 2;
    String pkg = c.name();
    String category = pkg == null ? null : c.name();
    long day = category == null ? -1 : c.varint();
    if (day < 0 || day > LAST_DAY) {
      return null;
    }
    long downloads = c.varint();
    if (downloads < 0 || c.pos != bytes.length) {
      return null;
    }
    return new DownloadRecord(pkg, CODES[bytes[1]], category, date(day), downloads);
  }

  private static LocalDate date(long day) {
    LastDate last = lastDate;
    if (last != null && last.day == day) {
      return last.date;
    }
    LocalDate d = LocalDate.ofEpochDay(day);
    lastDate = new LastDate(day, d);
    return d;
  }

  /** The length-prefixed printable ASCII name at {@code pos}, stepped over; null if it is not one. */
  private String name() {
    if (pos >= in.length) {
      return null;
    }
    int n = in[pos] & 0xFF;
    int from = pos + 1;
    int to = from + n;
    if (to > in.length) {
      return null;
    }
    for (int i = from; i < to; i++) {
      if (in[i] < 0x20 || in[i] == 0x7F) { // bytes beyond ASCII are negative
        return null;
      }
    }
    pos = to;
    return Names.text(in, from, to);
  }

  /** The unsigned varint at {@code pos} (at most 9 bytes, so it fits a long), stepped over; -1 if there is none. */
  private long varint() {
    long v = 0;
    for (int shift = 0; shift < 63 && pos < in.length; shift += 7) {
      byte b = in[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    return -1;
  }

  private static int code(Endpoint e) {
    for (int i = 1; i < CODES.length; i++) {
      if (CODES[i] == e) {
        return i;
      }
    }
    return -1;
  }

  private static boolean printable(String s) {
    if (s.length() > 255) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static int name(byte[] out, int p, String s) {
    out[p++] = (byte) s.length();
    for (int i = 0; i < s.length(); i++) {
      out[p++] = (byte) s.charAt(i);
    }
    return p;
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int varint(byte[] out, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      out[p++] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  private record LastDate(long day, LocalDate date) {}
}

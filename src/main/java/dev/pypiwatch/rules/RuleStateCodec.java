package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link PackageState} in the rule stage's changelog, and of the checkpoint
 * that says which downloads offset a partition's states correspond to. Compact: a package holds
 * ~25 series of ~200 days, stored as varint deltas from one day to the next. Versioned (first
 * byte) and checksummed (CRC32C, last four bytes): a value this version cannot read fails with a
 * {@link IllegalArgumentException} saying why, never decodes to a wrong state.
 */
public final class RuleStateCodec {
  /** The version of {@link #encode}'s format. */
  static final byte STATE_V1 = 1;
  /** The version of {@link #encodeCheckpoint}'s format. */
  static final byte CHECKPOINT_V1 = 1;
  private static final int HAS_EVALUATED = 1;
  private static final int HAS_MILESTONE = 2;
  private static final int MILESTONE_FROM_HISTORY = 4;

  private RuleStateCodec() {}

  /** {@code s} as bytes. */
  public static byte[] encode(PackageState s) {
    Out out = new Out(64 + s.series().stream().mapToInt(x -> 24 + 2 * x.counts().length).sum());
    out.put(STATE_V1);
    int flags = (s.evaluatedThrough() != null ? HAS_EVALUATED : 0) | (s.milestone() != null ? HAS_MILESTONE : 0)
        | (s.milestoneFromHistory() ? MILESTONE_FROM_HISTORY : 0);
    out.put((byte) flags);
    if (s.evaluatedThrough() != null) {
      out.signed(s.evaluatedThrough().toEpochDay());
    }
    if (s.milestone() != null) {
      out.signed(s.milestone());
    }
    out.signed(s.firstDay());
    out.signed(s.keptFrom());
    out.unsigned(s.series().size());
    for (PackageState.Series x : s.series()) {
      out.text(x.endpoint().path());
      out.text(x.category());
      out.signed(x.firstDay());
      out.unsigned(x.counts().length);
      long previous = 0;
      for (long c : x.counts()) {
        out.signed(c - previous); // day to day counts differ little: small deltas, one or two bytes
        previous = c;
      }
    }
    return out.sealed();
  }

  /**
   * The state in {@code bytes}.
   *
   * @throws IllegalArgumentException if the bytes are truncated, corrupt (checksum) or of an
   *     unknown version
   */
  public static PackageState decode(byte[] bytes) {
    In in = In.checked(bytes, STATE_V1, "rule state");
    int flags = in.get();
    LocalDate evaluated = (flags & HAS_EVALUATED) != 0 ? LocalDate.ofEpochDay(in.signed()) : null;
    Long milestone = (flags & HAS_MILESTONE) != 0 ? in.signed() : null;
    int firstDay = in.intValue("first day");
    int keptFrom = in.intValue("kept-from day");
    int n = in.count("series");
    List<PackageState.Series> series = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String path = in.text();
      Endpoint endpoint = Endpoint.fromPath(path)
          .orElseThrow(() -> new IllegalArgumentException("rule state: unknown endpoint '" + path + "'"));
      String category = in.text();
      int first = in.intValue("series' first day");
      long[] counts = new long[in.count("days")];
      long previous = 0;
      for (int d = 0; d < counts.length; d++) {
        previous += in.signed();
        counts[d] = previous;
      }
      series.add(new PackageState.Series(endpoint, category, first, counts));
    }
    in.end();
    return new PackageState(evaluated, milestone, (flags & MILESTONE_FROM_HISTORY) != 0, firstDay, keptFrom, series);
  }

  /** A partition's checkpoint: the downloads offset its package states correspond to. */
  public static byte[] encodeCheckpoint(long offset) {
    Out out = new Out(16);
    out.put(CHECKPOINT_V1);
    out.signed(offset);
    return out.sealed();
  }

  /**
   * The offset in a checkpoint.
   *
   * @throws IllegalArgumentException if the bytes are truncated, corrupt or of an unknown version
   */
  public static long decodeCheckpoint(byte[] bytes) {
    In in = In.checked(bytes, CHECKPOINT_V1, "rule state checkpoint");
    long offset = in.signed();
    in.end();
    return offset;
  }

  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void put(byte b) {
      room(1);
      buf[size++] = b;
    }

    private void room(int bytes) {
      if (size + bytes > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + bytes));
      }
    }

    void unsigned(long v) {
      room(10); // the longest varint: one check, then plain stores
      byte[] b = buf;
      int at = size;
      while ((v & ~0x7FL) != 0) {
        b[at++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      b[at++] = (byte) v;
      size = at;
    }

    void signed(long v) {
      unsigned((v << 1) ^ (v >> 63)); // zigzag: small negatives stay short
    }

    void text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      unsigned(b.length);
      for (byte x : b) {
        put(x);
      }
    }

    byte[] sealed() {
      CRC32C crc = new CRC32C();
      crc.update(buf, 0, size);
      int c = (int) crc.getValue();
      for (int shift = 24; shift >= 0; shift -= 8) {
        put((byte) (c >>> shift));
      }
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class In {
    private final byte[] buf;
    private final int end; // the checksum's offset
    private final String what;
    private int at;

    private In(byte[] buf, int end, String what) {
      this.buf = buf;
      this.end = end;
      this.what = what;
    }

    static In checked(byte[] bytes, byte version, String what) {
      if (bytes == null) {
        throw new IllegalArgumentException(what + ": no value");
      }
      if (bytes.length < 5) {
        throw new IllegalArgumentException(what + ": truncated, " + bytes.length + " bytes");
      }
      if (bytes[0] != version) {
        throw new IllegalArgumentException(what + ": unknown version " + bytes[0] + " (this pypiwatch reads "
            + version + ")");
      }
      int end = bytes.length - 4;
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, end);
      int stored = ((bytes[end] & 0xFF) << 24) | ((bytes[end + 1] & 0xFF) << 16) | ((bytes[end + 2] & 0xFF) << 8)
          | (bytes[end + 3] & 0xFF);
      if (stored != (int) crc.getValue()) {
        throw new IllegalArgumentException(what + ": checksum mismatch over " + bytes.length
            + " bytes (corrupt or truncated)");
      }
      In in = new In(bytes, end, what);
      in.at = 1;
      return in;
    }

    int get() {
      if (at >= end) {
        throw new IllegalArgumentException(what + ": truncated at byte " + at);
      }
      return buf[at++] & 0xFF;
    }

    long unsigned() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = get();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException(what + ": malformed varint before byte " + at);
    }

    long signed() {
      long v = unsigned();
      return (v >>> 1) ^ -(v & 1);
    }

    int intValue(String field) {
      long v = signed();
      if ((int) v != v) {
        throw new IllegalArgumentException(what + ": " + field + " out of range: " + v);
      }
      return (int) v;
    }

    int count(String field) {
      long n = unsigned();
      if (n > end - at) { // each element takes at least a byte
        throw new IllegalArgumentException(what + ": " + n + " " + field + " announced, " + (end - at)
            + " bytes left at byte " + at);
      }
      return (int) n;
    }

    String text() {
      int n = count("text bytes");
      String s = new String(buf, at, n, StandardCharsets.UTF_8);
      at += n;
      return s;
    }

    void end() {
      if (at != end) {
        throw new IllegalArgumentException(what + ": " + (end - at) + " bytes left over at byte " + at);
      }
    }
  }
}

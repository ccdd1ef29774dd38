package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The binary form of a {@link PollerState}, version 1.
 *
 * <pre>
 * "PWS" version=1
 * varint seriesCount, then per series:
 *   string endpointPath, string category, zigzag startEpochDay, varint span,
 *   span x varint (count + 1), 0 for a day with nothing published (unknown or hole)
 * varint emptiesCount, then per endpoint: string endpointPath, varint consecutiveEmpties
 * byte hasLastPoll [zigzag epochSecond, varint nano]
 * byte hasRecent [zigzag asOfEpochDay, varint lastDay, varint lastWeek, varint lastMonth]
 * </pre>
 *
 * Strings are a varint byte length then UTF-8. Varints are unsigned LEB128 (7 bits a byte), so a
 * day of a busy package (35k) takes 3 bytes and one of a small category 1: about 15 KB for 30
 * series of 181 days. Endpoints are stored by path, not ordinal, so reordering the enum is safe.
 */
final class PollerStateCodec {
  private static final byte[] MAGIC = {'P', 'W', 'S'};
  static final int VERSION = 1;

  private PollerStateCodec() {}

  static byte[] encode(PollerState state) {
    Writer w = new Writer();
    w.out.writeBytes(MAGIC);
    w.out.write(VERSION);
    w.varint(state.counts().size());
    state.counts().forEach((key, days) -> writeSeries(w, key, days));
    w.varint(state.transientEmpties().size());
    state.transientEmpties().forEach((e, n) -> { w.string(e.path()); w.varint(n); });
    Instant poll = state.lastSuccessfulPoll().orElse(null);
    w.out.write(poll == null ? 0 : 1);
    if (poll != null) {
      w.zigzag(poll.getEpochSecond());
      w.varint(poll.getNano());
    }
    PublishedRecent recent = state.lastRecent().orElse(null);
    w.out.write(recent == null ? 0 : 1);
    if (recent != null) {
      w.zigzag(recent.asOf().toEpochDay());
      w.varint(recent.lastDay());
      w.varint(recent.lastWeek());
      w.varint(recent.lastMonth());
    }
    return w.out.toByteArray();
  }

  private static void writeSeries(Writer w, SeriesKey key, NavigableMap<LocalDate, Long> days) {
    w.string(key.endpoint().path());
    w.string(key.category());
    LocalDate start = days.firstKey();
    int span = (int) (days.lastKey().toEpochDay() - start.toEpochDay() + 1);
    w.zigzag(start.toEpochDay());
    w.varint(span);
    for (int i = 0; i < span; i++) {
      Long n = days.get(start.plusDays(i));
      w.varint(n == null ? 0 : n + 1); // n + 1 overflows only at Long.MAX_VALUE, read back exactly
    }
  }

  static PollerState decode(byte[] bytes) {
    Reader r = new Reader(bytes);
    for (byte b : MAGIC) {
      if (r.next() != b) {
        throw new IllegalArgumentException("not a poller state (bad magic)");
      }
    }
    int version = r.next() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported poller state version " + version);
    }
    TreeMap<SeriesKey, NavigableMap<LocalDate, Long>> counts = new TreeMap<>();
    for (long i = r.varint(); i > 0; i--) {
      SeriesKey key = new SeriesKey(endpoint(r.string()), r.string());
      counts.put(key, readDays(r));
    }
    Map<Endpoint, Integer> empties = new EnumMap<>(Endpoint.class);
    for (long i = r.varint(); i > 0; i--) {
      empties.put(endpoint(r.string()), (int) r.varint());
    }
    Instant poll = r.next() == 0 ? null : Instant.ofEpochSecond(r.zigzag(), r.varint());
    PublishedRecent recent = r.next() == 0 ? null : new PublishedRecent(
        LocalDate.ofEpochDay(r.zigzag()), r.varint(), r.varint(), r.varint());
    r.requireEnd();
    return new PollerState(counts, empties, poll, recent);
  }

  private static NavigableMap<LocalDate, Long> readDays(Reader r) {
    LocalDate start = LocalDate.ofEpochDay(r.zigzag());
    long span = r.varint();
    NavigableMap<LocalDate, Long> days = new TreeMap<>();
    for (int i = 0; i < span; i++) {
      long v = r.varint();
      if (v != 0) {
        days.put(start.plusDays(i), v - 1);
      }
    }
    return days;
  }

  private static Endpoint endpoint(String path) {
    return Endpoint.fromPath(path)
        .orElseThrow(() -> new IllegalArgumentException("unknown endpoint in state: " + path));
  }

  private static final class Writer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);

    void varint(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      out.writeBytes(b);
    }
  }

  private static final class Reader {
    private final byte[] bytes;
    private int pos;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    byte next() {
      if (pos >= bytes.length) {
        throw new IllegalArgumentException("truncated poller state");
      }
      return bytes[pos++];
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint in poller state");
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    String string() {
      int n = Math.toIntExact(varint());
      if (n > bytes.length - pos) {
        throw new IllegalArgumentException("truncated poller state");
      }
      String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    void requireEnd() {
      if (pos != bytes.length) {
        throw new IllegalArgumentException("trailing bytes in poller state");
      }
    }
  }
}

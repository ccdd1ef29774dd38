package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
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
    SortedMap<SeriesKey, PublishedDays> series = state.days();
    w.varint(series.size());
    series.forEach((key, days) -> writeSeries(w, key, days));
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

  private static void writeSeries(Writer w, SeriesKey key, PublishedDays days) {
    w.string(key.endpoint().path());
    w.string(key.category());
    w.zigzag(days.firstDay());
    w.varint(days.lastDay() - days.firstDay() + 1);
    for (int d = days.firstDay(); d <= days.lastDay(); d++) {
      long n = days.get(d);
      // n + 1 overflows only at Long.MAX_VALUE, read back exactly
      w.varint(n == PublishedDays.NONE ? 0 : n + 1);
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
    TreeMap<SeriesKey, PublishedDays> counts = new TreeMap<>();
    for (long i = r.varint(); i > 0; i--) {
      SeriesKey key = new SeriesKey(endpoint(r.string()), r.string());
      PublishedDays days = readDays(r);
      if (days != null) { // a series of nothing but unpublished days is no series
        counts.put(key, days);
      }
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

  private static PublishedDays readDays(Reader r) {
    int start = Math.toIntExact(r.zigzag());
    int span = r.count();
    long[] values = new long[span];
    for (int i = 0; i < span; i++) {
      values[i] = r.varint() - 1; // 0, nothing published, reads as PublishedDays.NONE
    }
    return PublishedDays.of(start, values, 0, span);
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

    /** A varint counting bytes or days still to read (each takes at least a byte). */
    int count() {
      long n = varint();
      if (n > bytes.length - pos) {
        throw new IllegalArgumentException("truncated poller state");
      }
      return (int) n;
    }

    String string() {
      int n = count();
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

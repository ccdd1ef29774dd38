package dev.pypiwatch.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Package and category names built once: a small table of the strings last read, keyed by their
 * bytes. A topic repeats a few dozen categories and as many packages as are watched on every
 * event; building each anew (and hashing it again where the rules look it up) was a large part
 * of decoding. Shared by every decoding thread ({@link DownloadFastPath}, {@link CompactRecord}):
 * an entry is immutable, so a racing reader sees either a whole entry or another one, and a miss
 * only builds the string.
 */
final class Names {
  private static final int SLOTS = 4096;
  /** Longer names (rare) are built each time rather than kept. */
  private static final int MAX_LENGTH = 64;
  private static final Entry[] TABLE = new Entry[SLOTS];

  private record Entry(byte[] bytes, String text) {}

  private Names() {}

  /** The ASCII text {@code in[from, to)} (the caller has checked that it is ASCII). */
  static String text(byte[] in, int from, int to) {
    int n = to - from;
    if (n > MAX_LENGTH) {
      return new String(in, from, n, StandardCharsets.ISO_8859_1);
    }
    int h = n;
    for (int i = from; i < to; i++) {
      h = 31 * h + in[i];
    }
    int slot = (h ^ h >>> 12) & (SLOTS - 1);
    Entry e = TABLE[slot];
    if (e != null && e.bytes.length == n && JsonBytes.startsWith(in, from, e.bytes)) {
      return e.text;
    }
    String s = new String(in, from, n, StandardCharsets.ISO_8859_1);
    TABLE[slot] = new Entry(Arrays.copyOfRange(in, from, to), s);
    return s;
  }
}

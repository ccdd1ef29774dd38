package dev.pypiwatch.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The byte scanning that pypiwatch's two one-pass JSON readers share (the download events' {@code
 * DownloadFastPath} and the stats API's {@code api.SeriesFastPath}): where a plain string ends,
 * and a run of digits as a JSON integer. What may surround a string or a number (a sign, white
 * space, what may follow) differs between the two, and stays with each.
 *
 * <p>Both readers accept only what their general decoders read to the same value, and leave
 * everything else (escapes, UTF-8, control characters, long numbers) to them: these rules are
 * that shared line.
 */
public final class JsonBytes {
  /** Longer integers (rare) are left to the general decoders rather than checked for overflow. */
  public static final int MAX_DIGITS = 18;
  /** The bytes a plain string may hold: printable ASCII (and DEL) but for its quote and escape. */
  private static final boolean[] PLAIN = new boolean[256];
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    for (int b = 0x20; b < 0x80; b++) {
      PLAIN[b] = b != '"' && b != '\\';
    }
  }

  private JsonBytes() {}

  /**
   * Where the string whose first character is at {@code from} ends (the index of its closing
   * quote, before {@code limit}); -1 if it holds anything but printable ASCII without escapes
   * (the general decoders read escapes and UTF-8, and reject control characters) or does not
   * close before {@code limit}.
   */
  public static int stringEnd(byte[] in, int from, int limit) {
    int i = from;
    // Eight bytes at a time while no byte of them may end the string or make it unusual: a loop
    // testing quote, escape and control characters byte by byte was most of the cost of reading
    // an event (its source URL is the longest string; JFR).
    while (limit - i >= Long.BYTES && plainWord((long) WORDS.get(in, i))) {
      i += Long.BYTES;
    }
    while (i < limit && PLAIN[in[i] & 0xFF]) {
      i++;
    }
    return i < limit && in[i] == '"' ? i : -1;
  }

  /**
   * True if none of the eight bytes of {@code w} is a quote, a backslash, a control character
   * or beyond ASCII (the usual bit tricks: a byte's high bit in the result marks a zero byte of
   * {@code w ^ c} or a byte below 0x20; borrows can only mark bytes above a marked one, so the
   * answer for the whole word is exact).
   */
  private static boolean plainWord(long w) {
    long quote = w ^ 0x2222222222222222L;
    long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
    long special = (quote - 0x0101010101010101L) & ~quote
        | (backslash - 0x0101010101010101L) & ~backslash
        | (w - 0x2020202020202020L) & ~w
        | w;
    return (special & 0x8080808080808080L) == 0;
  }

  /**
   * Which of {@code spellings} the string {@code in[from, end)} is (its closing quote at {@code
   * end}, from {@link #stringEnd}): its index, or -1 for none.
   */
  public static int spelling(byte[] in, int from, int end, byte[][] spellings) {
    for (int v = 0; v < spellings.length; v++) {
      if (spellings[v].length == end - from && startsWith(in, from, spellings[v])) {
        return v;
      }
    }
    return -1;
  }

  /** True if {@code in} holds {@code bytes} at {@code from}. */
  public static boolean startsWith(byte[] in, int from, byte[] bytes) {
    int n = bytes.length;
    if (in.length - from < n) {
      return false;
    }
    // Eight bytes at a time, then what is left: the literals between an event's values are most
    // of its bytes, and a loop a byte was a large part of reading it.
    int i = 0;
    for (; n - i >= Long.BYTES; i += Long.BYTES) {
      if ((long) WORDS.get(in, from + i) != (long) WORDS.get(bytes, i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (in[from + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** The index after the run of ASCII digits starting at {@code from} ({@code from} if none). */
  public static int digitsEnd(byte[] in, int from) {
    int i = from;
    while (i < in.length && in[i] >= '0' && in[i] <= '9') {
      i++;
    }
    return i;
  }

  /**
   * The digits {@code in[from, to)} (from {@link #digitsEnd}) as a JSON integer without sign: at
   * least one and at most {@link #MAX_DIGITS} digits, no leading zero; -1 if they are not that.
   */
  public static long unsigned(byte[] in, int from, int to) {
    int digits = to - from;
    if (digits == 0 || digits > MAX_DIGITS || digits > 1 && in[from] == '0') {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (in[i] - '0');
    }
    return v;
  }
}

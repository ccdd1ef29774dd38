package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shared byte scanning answers what the plain byte-by-byte rules answer, word at a time or not. */
class JsonBytesTest {
  @Test
  void everyByteValueAtEveryPlaceOfAWordEndsOrSpoilsAStringAsTheRulesSay() {
    for (int length = 1; length <= 20; length++) {
      for (int at = 0; at < length; at++) {
        for (int b = 0; b < 256; b++) {
          byte[] in = new byte[length + 1];
          Arrays.fill(in, (byte) 'a');
          in[at] = (byte) b;
          in[length] = '"';
          for (int from = 0; from <= at; from++) {
            assertEquals(reference(in, from, in.length), JsonBytes.stringEnd(in, from, in.length),
                "byte " + b + " at " + at + " of " + length + " from " + from);
            assertEquals(reference(in, from, length), JsonBytes.stringEnd(in, from, length), "limit " + length);
          }
        }
      }
    }
  }

  @Test
  void randomTextOfFewSpecialBytes() {
    Random random = new Random(15);
    byte[] special = {'"', '\\', 0x1f, 0x20, 0x7f, (byte) 0x80, (byte) 0xff, 0, 0x21, 0x5b, 0x5d, 0x22 ^ 1};
    for (int k = 0; k < 200_000; k++) {
      byte[] in = new byte[random.nextInt(40)];
      for (int i = 0; i < in.length; i++) {
        in[i] = random.nextInt(12) == 0 ? special[random.nextInt(special.length)] : (byte) (0x20 + random.nextInt(0x60));
      }
      int from = in.length == 0 ? 0 : random.nextInt(in.length);
      int limit = from + random.nextInt(in.length - from + 1);
      assertEquals(reference(in, from, limit), JsonBytes.stringEnd(in, from, limit), Arrays.toString(in));
    }
  }

  @Test
  void integersAsJsonHasThemWithinTheirLength() {
    assertEquals(0, JsonBytes.unsigned(bytes("0"), 0, 1));
    assertEquals(-1, JsonBytes.unsigned(bytes("01"), 0, 2));
    assertEquals(-1, JsonBytes.unsigned(bytes("x"), 0, 0));
    assertEquals(999_999_999_999_999_999L, JsonBytes.unsigned(bytes("999999999999999999"), 0, 18));
    assertEquals(-1, JsonBytes.unsigned(bytes("1000000000000000000"), 0, 19));
    assertEquals(3, JsonBytes.digitsEnd(bytes("-12a"), 1));
    assertEquals(4, JsonBytes.digitsEnd(bytes("-123"), 1));
    assertEquals(1, JsonBytes.digitsEnd(bytes("-"), 1));
  }

  /** The rules byte by byte: printable ASCII (and DEL) but quote and backslash, up to a quote. */
  private static int reference(byte[] in, int from, int limit) {
    for (int i = from; i < limit; i++) {
      byte b = in[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b == '\\') {
        return -1;
      }
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}

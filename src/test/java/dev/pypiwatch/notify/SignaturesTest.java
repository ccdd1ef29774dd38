package dev.pypiwatch.notify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  private static final byte[] KEY = "s3cret".getBytes(UTF_8);
  private static final byte[] BODY = "{\"id\":\"n1\"}".getBytes(UTF_8);
  private static final String TS = "1767225600";
  /** {@code printf '%s' '1767225600.{"id":"n1"}' | openssl dgst -sha256 -hmac s3cret}. */
  private static final String OPENSSL =
      "sha256=9f7407ba0eb26311e300ee3042342938f82eb016f80fd1e8007c8fd9b37eee0f";

  @Test
  void rfc4231TestCases() {
    // Case 2: a key shorter than the block.
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        Signatures.hmacSha256Hex("Jefe".getBytes(UTF_8), "what do ya want for nothing?".getBytes(UTF_8)));
    // Case 1: 20 bytes of 0x0b.
    byte[] key = new byte[20];
    Arrays.fill(key, (byte) 0x0b);
    assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        Signatures.hmacSha256Hex(key, "Hi There".getBytes(UTF_8)));
  }

  @Test
  void signsTimestampDotBodyLikeOpenssl() {
    assertEquals(OPENSSL, Signatures.sign(KEY, TS, BODY));
    assertEquals("1767225600.{\"id\":\"n1\"}", new String(Signatures.signedContent(TS, BODY), UTF_8));
  }

  @Test
  void verifiesOnlyTheExactKeyTimestampAndBody() {
    assertTrue(Signatures.verify(KEY, TS, BODY, OPENSSL));
    assertTrue(Signatures.verify(KEY, TS, BODY, OPENSSL.toUpperCase(Locale.ROOT)), "hex case");
    assertFalse(Signatures.verify(KEY, TS, "{\"id\":\"n2\"}".getBytes(UTF_8), OPENSSL), "body");
    assertFalse(Signatures.verify(KEY, TS, "{\"id\":\"n1\"} ".getBytes(UTF_8), OPENSSL), "a space");
    assertFalse(Signatures.verify(KEY, "1767225601", BODY, OPENSSL), "timestamp");
    assertFalse(Signatures.verify("other".getBytes(UTF_8), TS, BODY, OPENSSL), "key");
    assertFalse(Signatures.verify(KEY, TS, BODY, OPENSSL.substring("sha256=".length())), "prefix");
    assertFalse(Signatures.verify(KEY, TS, BODY, null), "no header");
    assertFalse(Signatures.verify(KEY, null, BODY, OPENSSL), "no timestamp");
    assertFalse(Signatures.verify(new byte[0], TS, BODY, OPENSSL), "no key");
  }
}

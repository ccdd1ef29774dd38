package dev.pypiwatch.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code X-Pypiwatch-Signature: sha256=<hex>}, the lowercase hex HMAC-SHA256
 * with the receiver's key of the bytes {@code <X-Pypiwatch-Timestamp> "." <body>}. Signing the
 * timestamp with the body lets a receiver reject replays of an old request (see
 * docs/notifications.md); it is public so receivers written in Java and tests verify the same way.
 */
public final class Signatures {
  /** Prefix of the signature header's value, naming the algorithm. */
  public static final String PREFIX = "sha256=";

  private static final String ALGORITHM = "HmacSHA256";

  private Signatures() {}

  /** The lowercase hex HMAC-SHA256 of {@code message} with {@code key}. */
  public static String hmacSha256Hex(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return HexFormat.of().formatHex(mac.doFinal(message));
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every JRE; a key is only rejected when empty.
      throw new IllegalArgumentException("cannot compute HMAC-SHA256: " + e.getMessage(), e);
    }
  }

  /** The signed bytes: the timestamp (decimal Unix seconds), a dot, then the exact body. */
  public static byte[] signedContent(String timestamp, byte[] body) {
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  /** The value of the signature header: {@code sha256=} and the HMAC of timestamp and body. */
  public static String sign(byte[] key, String timestamp, byte[] body) {
    return PREFIX + hmacSha256Hex(key, signedContent(timestamp, body));
  }

  /**
   * True if {@code header} is the signature of {@code timestamp} and {@code body} with {@code key}.
   * Compares in constant time, so a forger learns nothing from how long a rejection takes; the hex
   * may be in either case. Checking that the timestamp is recent is the receiver's policy.
   */
  public static boolean verify(byte[] key, String timestamp, byte[] body, String header) {
    if (header == null || timestamp == null || key.length == 0) {
      return false;
    }
    byte[] expected = sign(key, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    byte[] actual = header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual);
  }
}

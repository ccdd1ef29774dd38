package dev.pypiwatch.events;

import java.util.Random;
import java.util.function.Supplier;

/** What the fast-path decoders' tests share: mutated events, and a decoding's outcome as text. */
final class FastPathChecks {
  private FastPathChecks() {}

  /**
   * {@code base} with 1 to 3 random edits: a character replaced, deleted or inserted (from {@code
   * alphabet}), or up to 20 characters of it copied elsewhere.
   */
  static String mutate(String base, Random random, String alphabet) {
    StringBuilder b = new StringBuilder(base);
    for (int m = random.nextInt(3); m >= 0; m--) {
      int i = random.nextInt(b.length());
      switch (random.nextInt(4)) {
        case 0 -> b.setCharAt(i, alphabet.charAt(random.nextInt(alphabet.length())));
        case 1 -> b.deleteCharAt(i);
        case 2 -> b.insert(i, alphabet.charAt(random.nextInt(alphabet.length())));
        default -> {
          int j = random.nextInt(b.length());
          b.insert(i, b.substring(j, Math.min(b.length(), j + 20)));
        }
      }
    }
    return b.toString();
  }

  /** What {@code decode} gives as text, or its rejection's message. */
  static String outcome(Supplier<?> decode) {
    try {
      return decode.get().toString();
    } catch (EventDecodingException e) {
      return "rejected: " + e.getMessage();
    }
  }
}

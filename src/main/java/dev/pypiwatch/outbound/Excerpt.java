package dev.pypiwatch.outbound;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** Short, single-line excerpts of bodies and values for error messages and logs. */
public final class Excerpt {
  /** Error bodies are cut to this many characters: enough to recognize them, short for logs. */
  static final int BODY_CHARS = 100;
  private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

  private Excerpt() {}

  /**
   * {@code text} with whitespace runs collapsed to one space, other control characters escaped
   * as {@code \\uXXXX} (a body echoed into a log must not drive the terminal), trimmed, cut to
   * {@code max}.
   */
  public static String of(String text, int max) {
    if (text == null) {
      return "";
    }
    String collapsed = CONTROL.matcher(text.replaceAll("\\s+", " ").trim())
        .replaceAll(m -> String.format(Locale.ROOT, "\\\\u%04X", (int) m.group().charAt(0)));
    return collapsed.length() <= max ? collapsed : collapsed.substring(0, max) + "…";
  }

  /** The start of a body as text, decoding only a bounded prefix so huge bodies stay cheap. */
  public static String ofBody(byte[] body) {
    int len = Math.min(body.length, BODY_CHARS * 4);
    return of(new String(body, 0, len, StandardCharsets.UTF_8), BODY_CHARS);
  }
}

package dev.pypiwatch.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in scalar values with environment
 * variables; {@code $$} stands for a literal {@code $}.
 *
 * <p>Error messages name the variable but never quote the value being interpolated, because that
 * value may be a secret (a webhook URL with a token in it).
 */
final class Interpolator {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;
  private final boolean verbatim;

  Interpolator(Map<String, String> env) {
    this(env, false);
  }

  private Interpolator(Map<String, String> env, boolean verbatim) {
    this.env = Map.copyOf(env);
    this.verbatim = verbatim;
  }

  /** One that replaces nothing: for text that is not configuration (an API request must not read the environment). */
  static Interpolator verbatim() {
    return new Interpolator(Map.of(), true);
  }

  /** A problem with one reference; the message is safe to show. */
  static final class InterpolationException extends Exception {
    private static final long serialVersionUID = 1L;

    InterpolationException(String message) {
      super(message);
    }
  }

  /** The text with every reference replaced. */
  String interpolate(String text) throws InterpolationException {
    if (verbatim || text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 == text.length()) {
        out.append(c);
        i++;
      } else if (text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (text.charAt(i + 1) == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          throw new InterpolationException(
              "unterminated '${': expected ${NAME} or ${NAME:-default} (write $$ for a literal $)");
        }
        out.append(resolve(text.substring(i + 2, close)));
        i = close + 1;
      } else {
        // A lone '$' (e.g. in "$5") is kept as is; only "${" starts a reference.
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String resolve(String reference) throws InterpolationException {
    int sep = reference.indexOf(":-");
    String name = sep < 0 ? reference : reference.substring(0, sep);
    if (!NAME.matcher(name).matches()) {
      throw new InterpolationException("invalid variable reference '${" + name
          + (sep < 0 ? "" : ":-...") + "}': expected ${NAME} or ${NAME:-default} with NAME made "
          + "of letters, digits and '_'");
    }
    String value = env.get(name);
    if (sep < 0) {
      if (value == null) {
        throw new InterpolationException("environment variable " + name + " is not set (use ${"
            + name + ":-default} to give a default)");
      }
      return value;
    }
    // As in the shell, ":-" also replaces a variable that is set but empty.
    return value == null || value.isEmpty() ? reference.substring(sep + 2) : value;
  }
}

package dev.pypiwatch.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key a misspelt key was probably meant to be. */
final class KeySuggestions {
  private KeySuggestions() {}

  /** The closest of {@code known}, if it is close enough to be a likely typo. */
  static Optional<String> nearest(String unknown, Collection<String> known) {
    // "min_interval" and "Min-Interval" are the same mistake as a one-letter typo.
    String typed = canonical(unknown);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(typed, canonical(candidate));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int allowed = Math.max(1, Math.min(3, typed.length() / 3));
    return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  private static String canonical(String key) {
    return key.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitution, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

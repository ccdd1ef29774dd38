package dev.pypiwatch.events;

import java.util.List;

/**
 * Which alerts a route or a silence applies to. An empty list matches everything; within a list any
 * value matches; all lists must match.
 *
 * @param packages package names or globs ({@code *}, {@code ?}), e.g. {@code django-*},
 *     normalized like package names (PEP 503: lower-case, {@code _} and {@code .} as {@code -})
 * @param rules rule names, e.g. {@code spike}, {@code python-shift}
 * @param severities {@code info}, {@code warning}, {@code critical}
 * @param states {@code firing}, {@code resolved}
 */
public record AlertMatcher(List<String> packages, List<String> rules, List<String> severities,
    List<String> states) {
  /** Matches every alert. */
  public static final AlertMatcher ANY = new AlertMatcher(List.of(), List.of(), List.of(), List.of());

  public AlertMatcher {
    packages = List.copyOf(packages);
    rules = List.copyOf(rules);
    severities = List.copyOf(severities);
    states = List.copyOf(states);
  }

  /** True if every non-empty list has a value matching {@code a}. */
  public boolean matches(Alert a) {
    return (packages.isEmpty() || packages.stream().anyMatch(g -> glob(g, a.packageName())))
        && (rules.isEmpty() || rules.contains(a.rule()))
        && (severities.isEmpty() || severities.contains(a.severity().wire()))
        && (states.isEmpty() || states.contains(a.state().wire()));
  }

  /** Whether {@code text} matches {@code pattern} as a whole: {@code *} any run, {@code ?} one character. */
  public static boolean glob(String pattern, String text) {
    // Iterative wildcard match with one backtrack point: linear, no regex to escape.
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}

package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig.Matcher;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which receivers an alert transition goes to: the routes in order (the first match, and further
 * ones while a matched route says {@code continue}), the default receivers when none matched;
 * nothing while a silence matches it; a resolution only to receivers that want resolutions.
 */
public final class Router {
  private final NotifyConfig config;
  private final Map<String, Receiver> receivers = new HashMap<>();

  /**
   * A router of {@code config}.
   *
   * @throws IllegalArgumentException if a route or the default names an unknown receiver
   */
  public Router(NotifyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    config.receivers().forEach(r -> receivers.put(r.name(), r));
    config.routes().forEach(r -> requireKnown(r.receivers()));
    requireKnown(config.defaultReceivers());
  }

  /** The receivers of {@code a} at {@code now}, in route order without repeats; empty if silenced or unrouted. */
  public List<String> route(Alert a, Instant now) {
    if (silenced(a, now)) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    boolean matched = false;
    for (Route r : config.routes()) {
      if (matches(r.match(), a)) {
        matched = true;
        out.addAll(r.receivers());
        if (!r.continueMatching()) {
          break;
        }
      }
    }
    if (!matched) {
      out.addAll(config.defaultReceivers());
    }
    if (a.state() == AlertState.RESOLVED) {
      out.removeIf(name -> !sendsResolved(name));
    }
    return List.copyOf(out);
  }

  /** True if a silence matching {@code a} has not ended at {@code now}. */
  public boolean silenced(Alert a, Instant now) {
    for (Silence s : config.silences()) {
      if (now.isBefore(s.endsAt()) && matches(s.match(), a)) {
        return true;
      }
    }
    return false;
  }

  /** Whether receiver {@code name} is sent resolutions (its override, else the global setting). */
  public boolean sendsResolved(String name) {
    Receiver r = receivers.get(name);
    return r != null && r.sendResolved() != null ? r.sendResolved() : config.sendResolved();
  }

  /** True if every non-empty list of {@code m} has a value matching {@code a}. */
  static boolean matches(Matcher m, Alert a) {
    return (m.packages().isEmpty() || m.packages().stream().anyMatch(g -> glob(g, a.packageName())))
        && (m.rules().isEmpty() || m.rules().contains(a.rule()))
        && (m.severities().isEmpty() || m.severities().contains(a.severity().wire()))
        && (m.states().isEmpty() || m.states().contains(a.state().wire()));
  }

  /** Whether {@code text} matches {@code pattern} as a whole: {@code *} any run, {@code ?} one character. */
  static boolean glob(String pattern, String text) {
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

  private void requireKnown(List<String> names) {
    for (String n : names) {
      if (!receivers.containsKey(n)) {
        throw new IllegalArgumentException("unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
      }
    }
  }
}

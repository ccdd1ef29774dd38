package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Route;
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
 * no firing while a silence matches it (a resolution is not held back by silences: whether a
 * receiver gets it depends on whether it got the firing, see {@link Outbox}); a resolution only to
 * receivers that want resolutions.
 */
public final class Router {
  private final NotifyConfig config;
  private final SilenceSet silences;
  private final Map<String, Receiver> receivers = new HashMap<>();

  /**
   * A router of {@code config} obeying its silences only, those without starts-at from the start.
   *
   * @throws IllegalArgumentException if a route or the default names an unknown receiver
   */
  public Router(NotifyConfig config) {
    this(config, new SilenceSet(config, Instant.EPOCH));
  }

  /**
   * A router of {@code config} obeying {@code silences} (which the caller keeps filling).
   *
   * @throws IllegalArgumentException if a route or the default names an unknown receiver
   */
  public Router(NotifyConfig config, SilenceSet silences) {
    this.config = Objects.requireNonNull(config, "config");
    this.silences = Objects.requireNonNull(silences, "silences");
    config.receivers().forEach(r -> receivers.put(r.name(), r));
    config.routes().forEach(r -> requireKnown(r.receivers()));
    requireKnown(config.defaultReceivers());
  }

  /**
   * The receivers of {@code a} at {@code now}, in route order without repeats; empty if unrouted,
   * or if a firing is silenced.
   */
  public List<String> route(Alert a, Instant now) {
    if (a.state() == AlertState.FIRING && silenced(a, now)) {
      return List.of();
    }
    return routeIgnoringSilences(a);
  }

  /** The receivers of {@code a} as if no silence matched it. */
  public List<String> routeIgnoringSilences(Alert a) {
    Set<String> out = new LinkedHashSet<>();
    boolean matched = false;
    for (Route r : config.routes()) {
      if (r.match().matches(a)) {
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

  /** True if a silence in effect at {@code now} matches {@code a}. */
  public boolean silenced(Alert a, Instant now) {
    return silences.muting(a, now).isPresent();
  }

  /** Whether receiver {@code name} is sent resolutions (its override, else the global setting). */
  public boolean sendsResolved(String name) {
    Receiver r = receivers.get(name);
    return r != null && r.sendResolved() != null ? r.sendResolved() : config.sendResolved();
  }

  private void requireKnown(List<String> names) {
    for (String n : names) {
      if (!receivers.containsKey(n)) {
        throw new IllegalArgumentException("unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
      }
    }
  }
}

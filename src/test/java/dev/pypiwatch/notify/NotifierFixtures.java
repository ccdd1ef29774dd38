package dev.pypiwatch.notify;

import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/** Notify configurations and alert transitions for the notifier's tests (built directly, no YAML). */
public final class NotifierFixtures {
  public static final LocalDate DAY = LocalDate.of(2026, 4, 3);

  private NotifierFixtures() {}

  /** A webhook receiver (the kind does not matter to routing or planning). */
  public static Receiver receiver(String name) {
    return receiver(name, null, null);
  }

  public static Receiver receiver(String name, Boolean sendResolved, LocalTime digestAt) {
    return new Receiver(name, NotifyConfig.Kind.WEBHOOK, null, null,
        new NotifyConfig.Webhook(Secret.of("http://localhost:1/" + name), Secret.of(""), Map.of()),
        sendResolved, digestAt);
  }

  /** A configuration with {@code receivers}, {@code routes}, defaults to {@code defaults}; other settings as given. */
  public static NotifyConfig config(List<Receiver> receivers, List<Route> routes, List<String> defaults,
      Duration groupWait, Duration repeatInterval, boolean sendResolved, List<Silence> silences, Retry retry) {
    NotifyConfig d = NotifyConfig.DEFAULTS;
    return new NotifyConfig(receivers, routes, defaults, groupWait, repeatInterval, sendResolved, silences,
        retry, d.groupId(), d.sentTopic(), d.dlqTopic());
  }

  /** Every alert to {@code receivers}, with the default waits and retries. */
  public static NotifyConfig toAll(Receiver... receivers) {
    List<String> names = List.of(receivers).stream().map(Receiver::name).toList();
    return config(List.of(receivers), List.of(), names, Duration.ofSeconds(30), Duration.ofDays(7), true,
        List.of(), Retry.DEFAULTS);
  }

  public static Route route(AlertMatcher m, boolean continueMatching, String... receivers) {
    return new Route(m, List.of(receivers), continueMatching);
  }

  public static AlertMatcher packages(String... globs) {
    return new AlertMatcher(List.of(globs), List.of(), List.of(), List.of());
  }

  public static AlertMatcher matcher(List<String> packages, List<String> rules, List<String> severities, List<String> states) {
    return new AlertMatcher(packages, rules, severities, states);
  }

  /** A spike of {@code pkg} on {@code date}. */
  public static Alert alert(String pkg, AlertState state, Severity severity, LocalDate date) {
    return alert(pkg, "spike", state, severity, date);
  }

  public static Alert alert(String pkg, String rule, AlertState state, Severity severity, LocalDate date) {
    return new Alert(rule + ":" + pkg + ":overall:without_mirrors", pkg, rule, "overall", "without_mirrors", date,
        state, severity, 300, 100, 7.5, pkg + ": " + rule + " " + state.wire(), Alert.linkOf(pkg));
  }

  public static Alert firing(String pkg) {
    return alert(pkg, AlertState.FIRING, Severity.WARNING, DAY);
  }

  public static Alert resolved(String pkg) {
    return alert(pkg, AlertState.RESOLVED, Severity.WARNING, DAY);
  }
}

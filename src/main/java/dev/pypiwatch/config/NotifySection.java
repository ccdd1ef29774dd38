package dev.pypiwatch.config;

import dev.pypiwatch.config.NotifyConfig.Email;
import dev.pypiwatch.config.NotifyConfig.Kind;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig.Slack;
import dev.pypiwatch.config.NotifyConfig.Tls;
import dev.pypiwatch.config.NotifyConfig.Webhook;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.rules.RuleNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Binds the {@code notify:} section into a {@link NotifyConfig}: receivers first, then the routes,
 * default receivers and silences that refer to them by name.
 */
final class NotifySection {
  static final String KEY = "notify";

  private static final List<String> KINDS = List.of("slack", "email", "webhook", "console");

  private static final ValueType<String> RECEIVER_NAME =
      new ValueType<>("a receiver name (letters, digits, '.', '_', '-')", s -> {
        // Names go into Kafka keys and message ids, so they stay plain.
        if (!s.matches("[A-Za-z0-9._-]{1,100}")) {
          throw new IllegalArgumentException(ValueType.message(
              "a receiver name (letters, digits, '.', '_', '-'; at most 100)", BindContext.quote(s)));
        }
        return s;
      });
  // Only ever read as a secret, so the message never shows the value (a token is often in it).
  private static final ValueType<String> ENDPOINT_URL =
      new ValueType<>("an http(s) URL", s -> {
        try {
          URI uri = new URI(s);
          String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
          if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
            return s;
          }
        } catch (URISyntaxException e) {
          // falls through to the message below
        }
        throw new IllegalArgumentException("expected an http(s) URL");
      });
  private static final ValueType<String> HOST =
      new ValueType<>("a host name or IP address such as smtp.example.org", s -> {
        if (!s.matches("[A-Za-z0-9._:\\[\\]-]+")) {
          throw new IllegalArgumentException(ValueType.message(
              "a host name or IP address such as smtp.example.org", BindContext.quote(s)));
        }
        return s;
      });
  private static final ValueType<Integer> SMTP_PORT =
      new ValueType<>("a port number from 1 to 65535", s -> {
        try {
          int port = Integer.parseInt(s);
          if (port >= 1 && port <= 65535) {
            return port;
          }
        } catch (NumberFormatException e) {
          // falls through to the message below
        }
        throw new IllegalArgumentException(
            ValueType.message("a port number from 1 to 65535", BindContext.quote(s)));
      });
  private static final ValueType<Tls> TLS =
      new ValueType<>("none, starttls or tls", s -> switch (s) {
        case "none" -> Tls.NONE;
        case "starttls" -> Tls.STARTTLS;
        case "tls" -> Tls.TLS;
        default -> throw new IllegalArgumentException(
            ValueType.message("none, starttls or tls", BindContext.quote(s)));
      });
  private static final ValueType<String> ADDRESS =
      new ValueType<>("an e-mail address such as ops@example.org", s -> {
        // A plain address: the local part without spaces or specials, a dotted domain or host.
        if (!s.matches("[^\\s@<>()\\[\\],;:\"\\\\]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
          throw new IllegalArgumentException(ValueType.message(
              "an e-mail address such as ops@example.org", BindContext.quote(s)));
        }
        return s;
      });
  private static final ValueType<String> HEADER_NAME =
      new ValueType<>("an HTTP header name such as Authorization", s -> {
        if (!s.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
          throw new IllegalArgumentException(ValueType.message(
              "an HTTP header name such as Authorization", BindContext.quote(s)));
        }
        return s;
      });
  private static final ValueType<String> PACKAGE_GLOB =
      new ValueType<>("a package name or a glob with * and ? such as django-*", s -> {
        if (!s.matches("[A-Za-z0-9._*?-]+")) {
          throw new IllegalArgumentException(ValueType.message("a package name or a glob with * "
              + "and ? such as django-* (letters, digits, '.', '_', '-', '*', '?')",
              BindContext.quote(s)));
        }
        if (s.indexOf('*') < 0 && s.indexOf('?') < 0) {
          return PackageName.normalize(s); // throws with the reason for an invalid name
        }
        // Alerts carry normalized names, so the glob is normalized the same way (PEP 503).
        return s.replaceAll("[-_.]+", "-").toLowerCase(Locale.ROOT);
      });
  private static final ValueType<String> RULE = oneOf("rule", RuleNames.ALL);
  private static final ValueType<String> SEVERITY = oneOf("severity",
      Arrays.stream(Severity.values()).map(Severity::wire).toList());
  private static final ValueType<String> STATE = oneOf("alert state",
      Arrays.stream(AlertState.values()).map(AlertState::wire).toList());
  static final ValueType<Instant> INSTANT =
      new ValueType<>("an instant such as 2026-12-31T00:00:00Z", s -> {
        try {
          return Instant.parse(s);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(ValueType.message(
              "an instant such as 2026-12-31T00:00:00Z (ISO 8601, with Z or an offset)",
              BindContext.quote(s)));
        }
      });

  /** A receiver with where its name was written, for the "receives nothing" check. */
  private record Bound(Receiver receiver, Node nameNode, String namePath) {}

  private NotifySection() {}

  static NotifyConfig bind(MappingReader m) {
    NotifyConfig d = NotifyConfig.DEFAULTS;
    Set<String> names = new LinkedHashSet<>();
    List<Bound> receivers = receivers(m, names);
    ValueType<String> reference = reference(names);
    int problemsBefore = m.context().problems.count();
    List<Route> routes = list(m, "routes", "a list of routes (mappings with match and receivers)",
        (item, path) -> route(item, path, m.context(), reference));
    List<String> defaults = strings(m, "default-receivers",
        "a list of receiver names such as [team-slack]", reference);
    // An invalid route would make its receivers look unused: then that check would only add noise.
    boolean referencesBound = m.context().problems.count() == problemsBefore;
    Duration groupWait = m.get("group-wait", ValueType.duration(true), d.groupWait());
    Duration repeat = m.get("repeat-interval", ValueType.duration(true), d.repeatInterval());
    boolean sendResolved = m.get("send-resolved", ValueType.BOOLEAN, d.sendResolved());
    List<Silence> silences = list(m, "silences", "a list of silences (mappings with match and "
        + "ends-at)", (item, path) -> silence(item, path, m.context()));
    Duration maxAlertAge = m.get("max-alert-age", ValueType.duration(false), d.maxAlertAge());
    Retry retry = m.section("retry", NotifySection::retry);
    String groupId = m.get("group-id", ValueType.KAFKA_ID, d.groupId());
    String sentTopic = m.get("sent-topic", ValueType.KAFKA_TOPIC, d.sentTopic());
    String dlqTopic = m.get("dlq-topic", ValueType.KAFKA_TOPIC, d.dlqTopic());
    if (referencesBound) {
      checkEveryReceiverIsUsed(receivers, routes, defaults, m.context());
    }
    return new NotifyConfig(receivers.stream().map(Bound::receiver).toList(), routes, defaults,
        groupWait, repeat, sendResolved, silences, maxAlertAge, retry, groupId, sentTopic, dlqTopic);
  }

  private static List<Bound> receivers(MappingReader m, Set<String> names) {
    List<Bound> out = new ArrayList<>();
    Map<String, Node> first = new HashMap<>();
    List<Node> items = m.items("receivers",
        "a list of receivers (mappings with name and one of slack, email, webhook, console)").orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      String path = m.itemPath("receivers", i);
      Node item = items.get(i);
      if (!(item instanceof MappingNode)) {
        m.context().error(item, path, "expected a receiver (a mapping with name and one of "
            + "slack, email, webhook, console), got " + BindContext.describe(item));
        continue;
      }
      MappingReader r = new MappingReader(item, path, "in " + path, m.context());
      Optional<String> name = r.require("name", RECEIVER_NAME.expected())
          ? r.optional("name", RECEIVER_NAME)
          : Optional.empty();
      Node nameNode = r.node("name").orElse(item);
      name.ifPresent(n -> {
        // Known even if the rest of it is invalid, so routes naming it get no second error.
        names.add(n);
        Node earlier = first.putIfAbsent(n, nameNode);
        if (earlier != null) {
          r.error("name", "duplicate receiver '" + n + "' (first defined at line "
              + (earlier.getStartMark().getLine() + 1) + ")");
        }
      });
      Optional<Receiver> receiver = receiver(r, item, path, name);
      r.finish();
      receiver.ifPresent(x -> out.add(new Bound(x, nameNode, r.childPath("name"))));
    }
    return out;
  }

  private static Optional<Receiver> receiver(
      MappingReader r, Node item, String path, Optional<String> name) {
    List<String> kinds = KINDS.stream().filter(r::has).toList();
    Slack slack = kinds.contains("slack") ? r.section("slack", NotifySection::slack) : null;
    Email email = kinds.contains("email") ? r.section("email", NotifySection::email) : null;
    Webhook webhook =
        kinds.contains("webhook") ? r.section("webhook", NotifySection::webhook) : null;
    // The console has no settings: "console: {}" (or "console:") only names the channel.
    boolean console = kinds.contains("console") && r.section("console", c -> true);
    Boolean sendResolved = r.optional("send-resolved", ValueType.BOOLEAN).orElse(null);
    LocalTime digestAt = r.optional("daily-digest-at", ValueType.TIME_OF_DAY).orElse(null);
    if (kinds.isEmpty()) {
      r.context().error(item, path,
          "missing the channel: expected one of the keys slack, email, webhook, console");
      return Optional.empty();
    }
    if (kinds.size() > 1) {
      r.error(kinds.get(1), "a receiver has exactly one of slack, email, webhook, console, but this one "
          + "also has " + kinds.get(0) + " (write one receiver per channel)");
      return Optional.empty();
    }
    if (name.isEmpty() || (slack == null && email == null && webhook == null && !console)) {
      return Optional.empty();
    }
    Kind kind = console ? Kind.CONSOLE : slack != null ? Kind.SLACK : email != null ? Kind.EMAIL : Kind.WEBHOOK;
    return Optional.of(new Receiver(name.get(), kind, slack, email, webhook, sendResolved, digestAt));
  }

  /** The Slack settings, or null if invalid (the errors are recorded). */
  private static Slack slack(MappingReader m) {
    Optional<Secret> url = m.require("webhook-url", ENDPOINT_URL.expected())
        ? m.secret("webhook-url", ENDPOINT_URL)
        : Optional.empty();
    return url.map(Slack::new).orElse(null);
  }

  /** The e-mail settings, or null if invalid (the errors are recorded). */
  private static Email email(MappingReader m) {
    Optional<String> host = m.require("host", HOST.expected())
        ? m.optional("host", HOST)
        : Optional.empty();
    Tls tls = m.get("tls", TLS, Tls.STARTTLS);
    // The port follows the TLS mode unless given: 587 submission, 465 implicit TLS, 25 plain.
    int port = m.get("port", SMTP_PORT, switch (tls) {
      case STARTTLS -> 587;
      case TLS -> 465;
      case NONE -> 25;
    });
    String username = m.get("username", ValueType.STRING, "");
    Secret password = m.secret("password", ValueType.STRING).orElse(Secret.of(""));
    // Both or neither: one without the other is an unset variable, not a wish for no login.
    if (!username.isEmpty() && password.isEmpty()) {
      m.error("password", "a password is needed with a username (leave both empty for no "
          + "authentication)");
    } else if (username.isEmpty() && !password.isEmpty()) {
      m.error("username", "a username is needed with a password (leave both empty for no "
          + "authentication)");
    }
    Optional<String> from = m.require("from", ADDRESS.expected())
        ? m.optional("from", ADDRESS)
        : Optional.empty();
    List<String> to = requiredStrings(m, "to",
        "a list of e-mail addresses such as [ops@example.org]", ADDRESS, "");
    if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
      return null;
    }
    return new Email(host.get(), port, tls, username, password, from.get(), to);
  }

  /** The webhook settings, or null if invalid (the errors are recorded). */
  private static Webhook webhook(MappingReader m) {
    Optional<Secret> url = m.require("url", ENDPOINT_URL.expected())
        ? m.secret("url", ENDPOINT_URL)
        : Optional.empty();
    Secret hmacKey = m.secret("hmac-key", ValueType.STRING).orElse(Secret.of(""));
    Map<String, Secret> headers = headers(m);
    return url.map(u -> new Webhook(u, hmacKey, headers)).orElse(null);
  }

  private static Map<String, Secret> headers(MappingReader m) {
    Map<String, Secret> out = new LinkedHashMap<>();
    Node node = m.node("headers").orElse(null);
    if (node == null) {
      return out;
    }
    if (!(node instanceof MappingNode mapping)) {
      m.error("headers", "expected a mapping of header names to values such as "
          + "{Authorization: \"Bearer ${TOKEN}\"}, got " + BindContext.describe(node));
      return out;
    }
    String path = m.childPath("headers");
    BindContext ctx = m.context();
    Map<String, Node> first = new HashMap<>();
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        ctx.error(t.getKeyNode(), path, "expected 'Header-Name: value' pairs");
        continue;
      }
      String name = k.getValue();
      String keyPath = path + "." + name;
      try {
        HEADER_NAME.parser().apply(name);
      } catch (IllegalArgumentException e) {
        ctx.error(k, keyPath, e.getMessage());
        continue;
      }
      // Header names are case-insensitive: two spellings would be one header sent twice.
      Node earlier = first.putIfAbsent(name.toLowerCase(Locale.ROOT), k);
      if (earlier != null) {
        ctx.error(k, keyPath, "duplicate header '" + name + "' (first defined at line "
            + (earlier.getStartMark().getLine() + 1) + ")");
        continue;
      }
      // Values carry tokens: read as secrets, and on one line so they cannot inject a header.
      ctx.scalar(t.getValueNode(), keyPath, ValueType.HEADER_TEXT, true)
          .ifPresent(v -> out.put(name, Secret.of(v)));
    }
    return out;
  }

  private static Route route(Node item, String path, BindContext ctx, ValueType<String> reference) {
    if (!(item instanceof MappingNode)) {
      ctx.error(item, path, "expected a route (a mapping with match and receivers), got "
          + BindContext.describe(item));
      return null;
    }
    MappingReader r = new MappingReader(item, path, "in " + path, ctx);
    AlertMatcher match = r.section("match", NotifySection::matcher);
    List<String> receivers = requiredStrings(r, "receivers",
        "a list of receiver names such as [team-slack]", reference,
        " (to keep matching alerts from being sent, use a silence)");
    boolean continueMatching = r.get("continue", ValueType.BOOLEAN, false);
    r.finish();
    return new Route(match, receivers, continueMatching);
  }

  private static Silence silence(Node item, String path, BindContext ctx) {
    if (!(item instanceof MappingNode)) {
      ctx.error(item, path, "expected a silence (a mapping with match and ends-at), got "
          + BindContext.describe(item));
      return null;
    }
    MappingReader s = new MappingReader(item, path, "in " + path, ctx);
    AlertMatcher match = s.section("match", NotifySection::matcher);
    Instant startsAt = s.optional("starts-at", INSTANT).orElse(null);
    Optional<Instant> endsAt = s.require("ends-at", INSTANT.expected())
        ? s.optional("ends-at", INSTANT)
        : Optional.empty();
    String comment = s.get("comment", ValueType.STRING, "");
    String createdBy = s.get("created-by", ValueType.STRING, "");
    s.finish();
    if (startsAt != null && endsAt.isPresent() && !endsAt.get().isAfter(startsAt)) {
      s.error("ends-at", "ends-at (" + endsAt.get() + ") must be after starts-at (" + startsAt + ")");
      return null;
    }
    return endsAt.map(end -> new Silence(match, startsAt, end, comment, createdBy)).orElse(null);
  }

  /** The {@code match} of a route or a silence (an API silence's too). */
  static AlertMatcher matcher(MappingReader m) {
    return new AlertMatcher(
        strings(m, "packages", "a list of package names or globs such as [django-*]",
            PACKAGE_GLOB),
        strings(m, "rules", "a list of rule names such as [spike, drop]", RULE),
        strings(m, "severities", "a list of severities such as [warning, critical]", SEVERITY),
        strings(m, "states", "a list of alert states such as [firing]", STATE));
  }

  private static Retry retry(MappingReader m) {
    Retry d = Retry.DEFAULTS;
    int attempts = m.get("attempts", ValueType.POSITIVE_INT, d.attempts());
    Duration initial = m.get("initial-backoff", ValueType.duration(false), d.initialBackoff());
    Duration max = m.get("max-backoff", ValueType.duration(false), d.maxBackoff());
    if (max.compareTo(initial) < 0) {
      // The back-off doubles from initial up to max; a smaller max would make the cap the start.
      m.error("max-backoff", "max-backoff (" + Durations.format(max)
          + ") must not be less than initial-backoff (" + Durations.format(initial) + ")");
    }
    return new Retry(attempts, initial, max);
  }

  /**
   * A receiver that no route or {@code default-receivers} names and that has no daily digest would
   * get nothing: most likely a route was forgotten, so it is an error rather than a silent no-op.
   */
  private static void checkEveryReceiverIsUsed(
      List<Bound> receivers, List<Route> routes, List<String> defaults, BindContext ctx) {
    Set<String> used = new HashSet<>(defaults);
    routes.forEach(r -> used.addAll(r.receivers()));
    for (Bound b : receivers) {
      Receiver r = b.receiver();
      if (!used.contains(r.name()) && r.dailyDigestAt() == null) {
        ctx.error(b.nameNode(), b.namePath(), "receiver '" + r.name() + "' would receive "
            + "nothing: no route or default-receivers names it and it has no daily-digest-at");
      }
    }
  }

  /** A name of a receiver defined in {@code names}. */
  private static ValueType<String> reference(Set<String> names) {
    return new ValueType<>("a receiver name", s -> {
      if (!names.contains(s)) {
        throw new IllegalArgumentException("unknown receiver " + BindContext.quote(s)
            + "; receivers: " + (names.isEmpty() ? "none" : String.join(", ", names)));
      }
      return s;
    });
  }

  /** The items of the list under {@code key} bound by {@code binder}; null results are skipped. */
  private static <T> List<T> list(MappingReader m, String key, String expected,
      BiFunction<Node, String, T> binder) {
    List<Node> items = m.items(key, expected).orElse(List.of());
    List<T> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      T value = binder.apply(items.get(i), m.itemPath(key, i));
      if (value != null) {
        out.add(value);
      }
    }
    return out;
  }

  /** The scalar items of the list under {@code key}; empty if absent. */
  private static List<String> strings(MappingReader m, String key, String expected,
      ValueType<String> type) {
    return scalars(m, key, m.items(key, expected).orElse(List.of()), type);
  }

  /** Like {@link #strings}, but the list must be there and have an item. */
  private static List<String> requiredStrings(MappingReader m, String key, String expected,
      ValueType<String> type, String hintIfEmpty) {
    if (!m.require(key, expected)) {
      return List.of();
    }
    Optional<List<Node>> items = m.items(key, expected);
    if (items.isPresent() && items.get().isEmpty()) {
      m.error(key, ValueType.message(expected, "an empty list") + hintIfEmpty);
    }
    return scalars(m, key, items.orElse(List.of()), type);
  }

  /** The items parsed as {@code type}; a value listed twice is an error. */
  private static List<String> scalars(MappingReader m, String key, List<Node> items,
      ValueType<String> type) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = m.itemPath(key, i);
      Optional<String> value = m.context().scalar(items.get(i), path, type, false);
      if (value.isPresent() && out.contains(value.get())) {
        m.context().error(items.get(i), path, BindContext.quote(value.get()) + " is listed twice");
      } else {
        value.ifPresent(out::add);
      }
    }
    return out;
  }

  /** One of {@code values}, spelled exactly; a near miss gets a "did you mean". */
  private static ValueType<String> oneOf(String what, List<String> values) {
    return new ValueType<>("one of " + String.join(", ", values), s -> {
      if (!values.contains(s)) {
        String hint = KeySuggestions.nearest(s, values)
            .map(v -> "; did you mean '" + v + "'? Expected one of: ")
            .orElse("; expected one of: ");
        throw new IllegalArgumentException(
            "unknown " + what + " " + BindContext.quote(s) + hint + String.join(", ", values));
      }
      return s;
    });
  }
}

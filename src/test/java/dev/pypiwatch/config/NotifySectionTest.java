package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.NotifyConfig.Email;
import dev.pypiwatch.config.NotifyConfig.Kind;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Route;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig.Slack;
import dev.pypiwatch.config.NotifyConfig.Tls;
import dev.pypiwatch.config.NotifyConfig.Webhook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code notify:} section: a full example bound from the environment, and secrets kept out of messages. */
class NotifySectionTest {
  private static final String SLACK = "https://hooks.slack.com/services/T000/B000/s1ackT0ken";
  private static final String PASSWORD = "smtp-Pa55word";
  private static final String HOOK = "https://bot.example.org/hook?token=h00kT0ken";
  private static final String HMAC = "hmac-K3y-value";
  private static final String BOT_TOKEN = "b0tT0ken";
  private static final Map<String, String> ENV = Map.of(
      "SLACK_WEBHOOK_URL", SLACK, "SMTP_USER", "pypiwatch", "SMTP_PASSWORD", PASSWORD,
      "WEBHOOK_URL", HOOK, "WEBHOOK_HMAC_KEY", HMAC, "BOT_TOKEN", BOT_TOKEN);

  static final String EXAMPLE = """
      notify:
        group-wait: 1m
        repeat-interval: 0s
        send-resolved: false
        retry: {attempts: 3, initial-backoff: 2s, max-backoff: 1m}
        group-id: notifier-2
        sent-topic: my.sent
        dlq-topic: my.dlq
        receivers:
          - name: team-slack
            slack: {webhook-url: "${SLACK_WEBHOOK_URL}"}
          - name: oncall-mail
            email:
              host: smtp.example.org
              tls: tls
              username: "${SMTP_USER:-}"
              password: "${SMTP_PASSWORD:-}"
              from: pypiwatch@example.org
              to: [maintainers@example.org, ops@example.org]
            send-resolved: true
            daily-digest-at: "7:00"
          - name: bot
            webhook:
              url: "${WEBHOOK_URL}"
              hmac-key: "${WEBHOOK_HMAC_KEY}"
              headers: {Authorization: "Bearer ${BOT_TOKEN}", X-Team: data}
        routes:
          - match: {packages: ["Django_*", numpy], rules: [spike, drop], severities: [warning, critical], states: [firing]}
            receivers: [team-slack, oncall-mail]
            continue: true
          - match: {severities: [critical]}
            receivers: [bot]
        default-receivers: [team-slack]
        silences:
          - match: {packages: [legacy-pkg]}
            ends-at: 2026-12-31T00:00:00Z
            comment: "deprecated, do not page"
          - ends-at: "2026-06-01T12:00:00+02:00"
      """;

  @Test
  void everyKeyIsBoundWithSecretsFromTheEnvironment() throws ConfigException {
    NotifyConfig n = ConfigLoaderTest.parse(EXAMPLE, ENV).notifications();
    assertEquals(List.of(
        new Receiver("team-slack", Kind.SLACK, new Slack(Secret.of(SLACK)), null, null, null,
            null),
        new Receiver("oncall-mail", Kind.EMAIL, null, new Email("smtp.example.org", 465, Tls.TLS,
            "pypiwatch", Secret.of(PASSWORD), "pypiwatch@example.org",
            List.of("maintainers@example.org", "ops@example.org")), null, true,
            LocalTime.of(7, 0)),
        new Receiver("bot", Kind.WEBHOOK, null, null, new Webhook(Secret.of(HOOK),
            Secret.of(HMAC), Map.of("Authorization", Secret.of("Bearer " + BOT_TOKEN),
            "X-Team", Secret.of("data"))), null, null)),
        n.receivers());
    assertEquals(List.of(
        // Globs are normalized like package names, as alerts carry normalized names.
        new Route(new AlertMatcher(List.of("django-*", "numpy"), List.of("spike", "drop"),
            List.of("warning", "critical"), List.of("firing")),
            List.of("team-slack", "oncall-mail"), true),
        new Route(new AlertMatcher(List.of(), List.of(), List.of("critical"), List.of()),
            List.of("bot"), false)),
        n.routes());
    assertEquals(List.of("team-slack"), n.defaultReceivers());
    assertEquals(List.of(
        new Silence(new AlertMatcher(List.of("legacy-pkg"), List.of(), List.of(), List.of()),
            Instant.parse("2026-12-31T00:00:00Z"), "deprecated, do not page"),
        new Silence(AlertMatcher.ANY, Instant.parse("2026-06-01T10:00:00Z"), "")),
        n.silences());
    assertEquals(Duration.ofMinutes(1), n.groupWait());
    assertEquals(Duration.ZERO, n.repeatInterval());
    assertFalse(n.sendResolved());
    assertEquals(new Retry(3, Duration.ofSeconds(2), Duration.ofMinutes(1)), n.retry());
    assertEquals(List.of("notifier-2", "my.sent", "my.dlq"),
        List.of(n.groupId(), n.sentTopic(), n.dlqTopic()));
    assertTrue(n.enabled());
    assertTrue(ConfigLoaderTest.parse(EXAMPLE, ENV).summary()
        .endsWith("daily poll at 02:00 UTC, notifications to 3 receivers"));
  }

  @Test
  void readmeExampleLoads() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("\n## Notifications\n");
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));
    Map<String, String> env = Map.of("SLACK_WEBHOOK_URL", SLACK, "SMTP_HOST", "smtp.example.org",
        "WEBHOOK_URL", HOOK, "BOT_TOKEN", BOT_TOKEN);
    NotifyConfig n = ConfigLoaderTest.parse(yaml, env).notifications();
    assertEquals(List.of("team-slack", "maintainers-mail", "incident-bot"),
        n.receivers().stream().map(Receiver::name).toList());
    Email mail = n.receivers().get(1).email();
    assertEquals(List.of(587, Tls.STARTTLS, ""), List.of(mail.port(), mail.tls(), mail.username()));
    assertEquals(LocalTime.of(7, 0), n.receivers().get(1).dailyDigestAt());
    assertTrue(n.receivers().get(2).webhook().hmacKey().isEmpty());
    assertEquals(List.of("django*"), n.routes().get(0).match().packages());
    assertTrue(n.routes().get(0).continueMatching());
    assertEquals(List.of("team-slack"), n.defaultReceivers());
    assertEquals(1, n.silences().size());
  }

  @Test
  void exampleConfigsCommentedOutNotifySettingsAreValid() throws Exception {
    // Uncomments the YAML lines ("  # - ..." and "  #   ...") of the example's notify section.
    StringBuilder text = new StringBuilder();
    boolean inNotify = false;
    for (String line : Files.readAllLines(Path.of("config/pypiwatch.yaml"))) {
      inNotify |= line.equals("notify:");
      if (inNotify && line.matches("  # [ -].*")) {
        line = "  " + line.substring(4);
      } else if (inNotify) {
        line = line.replaceFirst("^  (receivers|routes|silences): \\[\\]$", "  $1:");
      }
      text.append(line).append('\n');
    }
    NotifyConfig n = ConfigLoaderTest.parse(text.toString(), ENV).notifications();
    assertEquals(List.of(Kind.SLACK, Kind.EMAIL, Kind.WEBHOOK),
        n.receivers().stream().map(Receiver::kind).toList());
    assertEquals(2, n.routes().size());
    assertEquals(1, n.silences().size());
    assertEquals(NotifyConfig.DEFAULTS.retry(), n.retry());
  }

  @Test
  void absentOrEmptySectionIsTheDefaultsWithNothingSent() throws ConfigException {
    for (String yaml : List.of("api: {}", "notify:", "notify: {}", "notify: {receivers: []}")) {
      NotifyConfig n = ConfigLoaderTest.parse(yaml, Map.of()).notifications();
      assertEquals(NotifyConfig.DEFAULTS, n, yaml);
      assertFalse(n.enabled(), yaml);
    }
    assertEquals(NotifyConfig.DEFAULTS, AppConfig.defaults().notifications());
  }

  @Test
  void smtpPortFollowsTheTlsModeAndLoginIsOptional() throws ConfigException {
    String yaml = """
        notify:
          default-receivers: [m]
          receivers:
            - name: m
              email: {host: localhost, tls: %s, from: a@localhost, to: [b@localhost]}
        """;
    for (var c : Map.of("none", 25, "starttls", 587, "tls", 465).entrySet()) {
      Email e = ConfigLoaderTest.parse(yaml.formatted(c.getKey()), Map.of())
          .notifications().receivers().get(0).email();
      assertEquals(c.getValue(), e.port(), c.getKey());
      assertEquals("", e.username());
      assertTrue(e.password().isEmpty());
    }
  }

  @Test
  void routesWithoutDefaultReceiversLeaveUnmatchedAlertsUnsent() throws ConfigException {
    NotifyConfig n = ConfigLoaderTest.parse("""
        notify:
          receivers: [{name: s, slack: {webhook-url: "https://hooks.example/x"}}]
          routes: [{match: {rules: [milestone]}, receivers: [s]}]
        """, Map.of()).notifications();
    assertEquals(List.of(), n.defaultReceivers());
    assertEquals(1, n.routes().size());
    assertNull(n.receivers().get(0).sendResolved());
  }

  @Test
  void noSecretAppearsInAnyErrorMessage() {
    // Every secret key made invalid, plus errors elsewhere in the same receivers.
    String yaml = """
        notify:
          receivers:
            - name: slack
              slack: {webhook-url: "${SLACK_WEBHOOK_URL}"}
            - name: literal
              slack: {webhook-url: "htps://hooks.slack.com/services/%s"}
            - name: mail
              email: {host: "bad host", port: 0, password: "${SMTP_PASSWORD}", from: x, to: []}
            - name: bot
              webhook:
                url: "ftp://bot.example.org/%s"
                hmac-key: ${NO_SUCH_VARIABLE}
                headers: {Authorization: "Bearer ${BOT_TOKEN}", "bad name": "%s"}
          routes: [{receivers: [slack, literal, mail, bot, nobody]}]
        """.formatted(BOT_TOKEN, HMAC, PASSWORD);
    Map<String, String> env = Map.of("SLACK_WEBHOOK_URL", "hooks.slack.com/" + BOT_TOKEN,
        "SMTP_PASSWORD", PASSWORD, "BOT_TOKEN", BOT_TOKEN + "\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoaderTest.parse(yaml, env));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertEquals(List.of(
        "test.yaml:4:28: notify.receivers[0].slack.webhook-url: expected an http(s) URL; the "
            + "value is not shown because it is secret",
        "test.yaml:6:28: notify.receivers[1].slack.webhook-url: expected an http(s) URL; the "
            + "value is not shown because it is secret",
        "test.yaml:8:14: notify.receivers[2].email.username: a username is needed with a "
            + "password (leave both empty for no authentication)",
        "test.yaml:8:21: notify.receivers[2].email.host: expected a host name or IP address "
            + "such as smtp.example.org, got 'bad host'",
        "test.yaml:8:39: notify.receivers[2].email.port: expected a port number from 1 to "
            + "65535, got '0'",
        "test.yaml:8:78: notify.receivers[2].email.from: expected an e-mail address such as "
            + "ops@example.org, got 'x'",
        "test.yaml:8:85: notify.receivers[2].email.to: expected a list of e-mail addresses such "
            + "as [ops@example.org], got an empty list",
        "test.yaml:11:14: notify.receivers[3].webhook.url: expected an http(s) URL; the value is "
            + "not shown because it is secret",
        "test.yaml:12:19: notify.receivers[3].webhook.hmac-key: environment variable "
            + "NO_SUCH_VARIABLE is not set (use ${NO_SUCH_VARIABLE:-default} to give a default)",
        "test.yaml:13:34: notify.receivers[3].webhook.headers.Authorization: expected a single "
            + "line of text; the value is not shown because it is secret",
        "test.yaml:13:57: notify.receivers[3].webhook.headers.bad name: expected an HTTP header "
            + "name such as Authorization, got 'bad name'",
        "test.yaml:14:52: notify.routes[0].receivers[4]: unknown receiver 'nobody'; receivers: "
            + "slack, literal, mail, bot"),
        errors);
    for (String secret : List.of(BOT_TOKEN, HMAC, PASSWORD, "hooks.slack.com")) {
      assertFalse(e.getMessage().contains(secret), secret + " in " + e.getMessage());
    }
  }

  @Test
  void noSecretAppearsInToString() throws ConfigException {
    AppConfig config = ConfigLoaderTest.parse(EXAMPLE, ENV);
    String text = config.toString();
    for (String secret : List.of(SLACK, "s1ackT0ken", PASSWORD, HOOK, "h00kT0ken", HMAC,
        BOT_TOKEN)) {
      assertFalse(text.contains(secret), secret + " in " + text);
    }
    // The rest is there, so the check above looks at the real text.
    assertTrue(text.contains("oncall-mail") && text.contains("smtp.example.org"), text);
    assertTrue(text.contains("Authorization=****"), text);
  }

  @Test
  void aConsoleReceiverHasNoSettings() throws ConfigException {
    for (String console : List.of("console: {}", "console:")) {
      NotifyConfig n = ConfigLoaderTest.parse("""
          notify:
            receivers: [{name: screen, %s}]
            default-receivers: [screen]
          """.formatted(console.equals("console:") ? "console: null" : console), Map.of()).notifications();
      assertEquals(List.of(new Receiver("screen", Kind.CONSOLE, null, null, null, null, null)), n.receivers(), console);
    }
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoaderTest.parse(
        "notify: {receivers: [{name: screen, console: {colour: true}}], default-receivers: [screen]}", Map.of()));
    assertTrue(e.errors().get(0).toString().contains("notify.receivers[0].console.colour: unknown key 'colour'"),
        e.errors().toString());
  }
}

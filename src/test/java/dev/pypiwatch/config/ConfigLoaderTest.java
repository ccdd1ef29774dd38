package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.RulesConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading valid configs, defaults, interpolation and the summary line. */
class ConfigLoaderTest {
  static final Path NAME = Path.of("test.yaml");

  static AppConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return ConfigLoader.parse(yaml, NAME, env);
  }

  static ConfigError onlyError(String yaml, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, env));
    assertEquals(1, e.errors().size(), e.getMessage());
    return e.errors().get(0);
  }

  @Test
  void exampleConfigLoadsWithTheDocumentedDefaults() throws ConfigException {
    Path example = Path.of("config/pypiwatch.yaml");
    AppConfig config = ConfigLoader.load(example, Map.of());
    assertEquals(ApiConfig.DEFAULTS, config.api());
    assertEquals(KafkaConfig.DEFAULTS, config.kafka());
    assertEquals(PollerConfig.DEFAULTS, config.poller());
    assertEquals(HttpConfig.DEFAULTS, config.http());
    assertEquals(RulesConfig.DEFAULTS, config.rules());
    assertEquals(RuleRunnerConfig.DEFAULTS, config.ruleEngine());
    assertEquals(NotifyConfig.DEFAULTS, config.notifications());
    assertEquals(example, config.source());
    assertEquals(List.of("requests", "numpy"), config.watchlist().names());
    assertEquals(new ConfigLocation(example, 159, 11),
        config.watchlist().packages().get(1).location());
  }

  @Test
  void exampleConfigTakesTheContactFromTheEnvironment() throws ConfigException {
    AppConfig config =
        ConfigLoader.load(Path.of("config/pypiwatch.yaml"), Map.of("PYPIWATCH_CONTACT", "me@x.org"));
    assertEquals("me@x.org", config.api().contact());
  }

  @Test
  void everyApiKeyIsBound() throws ConfigException {
    AppConfig config = parse("""
        api:
          base-url: http://localhost:8080/api/
          contact: ops@example.com
          min-interval: 0s
          max-concurrency: 8
          request-timeout: 1m30s
          max-attempts: 1
          initial-backoff: 500ms
          max-backoff: 1h
          rate-limit-backoff: 1d
          max-body-size: 512KB
          pypi-json-enabled: false
          pypi-json-url: http://localhost:9000/pypi/
          pypi-json-min-interval: 0s
          pypi-json-timeout: 800ms
          pypi-json-max-attempts: 3
          pypi-json-cache-ttl: 10m
        """, Map.of());
    assertEquals(new ApiConfig("http://localhost:8080/api", "ops@example.com", Duration.ZERO, 8,
        Duration.ofSeconds(90), 1, Duration.ofMillis(500), Duration.ofHours(1),
        Duration.ofDays(1), 512_000, new PypiJsonConfig(false, "http://localhost:9000/pypi", Duration.ZERO,
            Duration.ofMillis(800), 3, Duration.ofMinutes(10))), config.api());
    assertEquals(PypiJsonConfig.DEFAULTS, ApiConfig.DEFAULTS.pypiJson());
    assertEquals("https://pypi.org/pypi", PypiJsonConfig.DEFAULTS.baseUrl());
    assertEquals(Watchlist.EMPTY, config.watchlist());
  }

  @Test
  void everyRuleEngineKeyIsBound() throws ConfigException {
    AppConfig config = parse("""
        kafka:
          topics:
            alerts: my.alerts
        rule-engine:
          enabled: false
          group-id: rules-2
          transactional-id-prefix: rules-host-b
        """, Map.of());
    assertEquals("my.alerts", config.kafka().topics().alerts());
    assertEquals(Duration.ofDays(200), config.kafka().topics().downloadsRetention());
    assertTrue(config.kafka().topics().failOnShortRetention());
    KafkaConfig.TopicsConfig set = parse("kafka: {topics: {downloads-retention: 400d, retention-check: warn}}",
        Map.of()).kafka().topics();
    assertEquals(Duration.ofDays(400), set.downloadsRetention());
    assertEquals(false, set.failOnShortRetention());
    assertEquals(new RuleRunnerConfig(false, "rules-2", "rules-host-b"), config.ruleEngine());
    assertEquals(RuleRunnerConfig.DEFAULTS, AppConfig.defaults().ruleEngine());
    assertEquals("pypistats.alerts", AppConfig.defaults().kafka().topics().alerts());
  }

  @Test
  void theShardingKeysOfThePollerAreBound() throws ConfigException {
    PollerConfig sharded = parse("""
        poller:
          sharded: true
          group-id: pollers-eu
          watchlist-topic: eu.watchlist
          transactional-id: poller-eu-1
        """, Map.of()).poller();
    assertTrue(sharded.sharded());
    assertEquals("pollers-eu", sharded.groupId());
    assertEquals("eu.watchlist", sharded.watchlistTopic());
    assertEquals("poller-eu-1", sharded.transactionalId());
    PollerConfig defaults = AppConfig.defaults().poller();
    assertEquals(false, defaults.sharded());
    assertEquals("pypiwatch-poller", defaults.groupId());
    assertEquals("pypiwatch.watchlist", defaults.watchlistTopic());
    assertTrue(onlyError("poller: {group-id: 'a b'}", Map.of()).toString().contains("group-id"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'api:'",
      "'api: {}\nwatchlist: []'",
      "'watchlist:'",
      "'watchlist: []'",
  })
  void emptySectionsMeanDefaults(String yaml) throws ConfigException {
    AppConfig config = parse(yaml, Map.of());
    assertEquals(ApiConfig.DEFAULTS, config.api());
    assertTrue(config.watchlist().isEmpty());
  }

  @Test
  void defaultsHaveNoSourceAndNoPackages() {
    AppConfig d = AppConfig.defaults();
    assertNull(d.source());
    assertEquals(ApiConfig.DEFAULTS, d.api());
    assertEquals("0 packages watched, api https://pypistats.org/api at one request every 2s, embedded Kafka in data/kafka, daily poll at 02:00 UTC",
        d.summary());
  }

  @Test
  void summaryCountsPackages() throws ConfigException {
    assertEquals("3 packages watched, api https://pypistats.org/api at one request every 2s, embedded Kafka in data/kafka, daily poll at 02:00 UTC",
        parse("watchlist: [requests, numpy, pandas]", Map.of()).summary());
    assertEquals("1 package watched, api http://localhost:1/api without pacing, embedded Kafka in data/kafka, daily poll at 02:00 UTC",
        parse("api: {base-url: 'http://localhost:1/api', min-interval: 0s}\nwatchlist: [pip]",
            Map.of()).summary());
  }

  @Test
  void watchlistKeepsOrderAndDeclaredNames() throws ConfigException {
    Watchlist w = parse("""
        watchlist:
          - Zope.Interface
          - name: python_dateutil
          - pip
        """, Map.of()).watchlist();
    assertEquals(List.of("zope-interface", "python-dateutil", "pip"), w.names());
    assertEquals(List.of("Zope.Interface", "python_dateutil", "pip"),
        w.packages().stream().map(WatchedPackage::declaredName).toList());
    assertEquals(new ConfigLocation(NAME, 3, 11), w.packages().get(1).location());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // contact value | env | expected
      "'${C}'                 | C=ops@x.org | ops@x.org",
      "'${C:-fallback}'       | ''          | fallback",
      "'${C:-fallback}'       | C=          | fallback",
      "'${C:-}'               | ''          | ''",
      "'${C}'                 | C=          | ''",
      "'$${C}'                | C=ignored   | '${C}'",
      "'costs $$5 or $5'      | ''          | 'costs $5 or $5'",
      "'pypiwatch (${C}; ${D:-none})' | C=ops@x.org | 'pypiwatch (ops@x.org; none)'",
      "'${C}'                 | C=a$${B}    | 'a$${B}'",
  })
  void interpolatesScalarValues(String value, String env, String expected) throws ConfigException {
    Map<String, String> vars = env.isEmpty()
        ? Map.of()
        : Map.of(env.substring(0, env.indexOf('=')), env.substring(env.indexOf('=') + 1));
    assertEquals(expected, parse("api:\n  contact: \"" + value + "\"\n", vars).api().contact());
  }

  @Test
  void interpolatedValuesAreTypeChecked() throws ConfigException {
    assertEquals(7, parse("api:\n  max-attempts: ${N}\n", Map.of("N", "7")).api().maxAttempts());
    ConfigError e = onlyError("api:\n  max-attempts: ${N}\n", Map.of("N", "lots"));
    assertEquals("test.yaml:2:17: api.max-attempts: expected an integer >= 1, got 'lots'",
        e.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'${MISSING}'    | environment variable MISSING is not set",
      "'x ${A'         | unterminated '${'",
      "'${A-b}'        | invalid variable reference '${A-b}'",
      "'${}'           | invalid variable reference '${}'",
  })
  void interpolationErrorsNameTheVariableAndLocation(String value, String message) {
    ConfigError e = onlyError("api:\n  contact: '" + value + "'\n", Map.of());
    assertEquals(2, e.line());
    assertEquals(12, e.column());
    assertEquals("api.contact", e.keyPath());
    assertTrue(e.message().startsWith(message), e.message());
  }

  @Test
  void misspeltKeyInAPackageEntryGivesTwoErrors() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("watchlist:\n  - nam: pip\n", Map.of()));
    assertEquals(List.of(
        "test.yaml:2:5: watchlist[0]: missing key 'name': expected the package name",
        "test.yaml:2:5: watchlist[0].nam: unknown key 'nam' in watchlist[0]; did you mean 'name'? "
            + "Expected one of: name, rules"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'watchlists: [pip]' | 1 | 1 | watchlists | did you mean 'watchlist'?",
      "'API: {}'           | 1 | 1 | API        | did you mean 'api'?",
      "'api: {contakt: x}' | 1 | 7 | api.contakt | did you mean 'contact'?",
      "'colour: {}'         | 1 | 1 | colour      | ; expected one of: api, kafka, poller, http, rules, watchlist, watchlist-file, rule-engine, notify",
      "'rulez: {}'         | 1 | 1 | rulez      | did you mean 'rules'?",
      "'rules: {spikes: {}}' | 1 | 9 | rules.spikes | did you mean 'spike'?",
      "'rules: {spike: {z: 0}}' | 1 | 20 | rules.spike.z | expected a number > 0, got '0'",
      "'rules: {drop: {max-ratio: 2}}' | 1 | 27 | rules.drop.max-ratio | expected a number > 0 and <= 1, got '2'",
      "'rules: {python-shift: {crossings: [25, x]}}' | 1 | 40 | rules.python-shift.crossings[1] | expected a percentage > 0 and <= 100",
      "'rules: {os-shift: {new-version-share: 1}}' | 1 | 20 | rules.os-shift.new-version-share | unknown key 'new-version-share'",
      "'rules: {drop: {holidays: [christmas, xmas]}}' | 1 | 38 | rules.drop.holidays[1] | expected christmas, thanksgiving, easter, MM-DD",
      "'rules: {drop: {holidays: christmas}}' | 1 | 26 | rules.drop.holidays | expected a list such as [christmas",
      "'rules: {milestone: {min-level: 500}}' | 1 | 32 | rules.milestone.min-level | expected a power of ten",
      "'watchlist: [{name: pip, rules: {spike: {zz: 5}}}]' | 1 | 41 | watchlist[0].rules.spike.zz | did you mean 'z'?",
      "'kafka: {embedded-port: 70000}' | 1 | 24 | kafka.embedded-port | expected a port number from 0 to 65535",
      "'kafka: {topics: {downloads: \"a b\"}}' | 1 | 29 | kafka.topics.downloads | expected a Kafka topic name",
      "'kafka: {producer: [x]}' | 1 | 19 | kafka.producer | expected a mapping of Kafka client properties",
      "'kafka: {topics: {partitions: 0}}' | 1 | 30 | kafka.topics.partitions | expected an integer >= 1",
      "'kafka: {topics: {alerts: \"a b\"}}' | 1 | 26 | kafka.topics.alerts | expected a Kafka topic name",
      "'kafka: {topics: {retention-check: maybe}}' | 1 | 35 | kafka.topics.retention-check | expected fail or warn, got 'maybe'",
      "'kafka: {topics: {downloads-retention: 200}}' | 1 | 39 | kafka.topics.downloads-retention | a number without a unit is ambiguous",
      "'rule-engine: {group-id: \"a b\"}' | 1 | 25 | rule-engine.group-id | expected a Kafka id",
      "'rule-engine: {enabled: maybe}' | 1 | 24 | rule-engine.enabled | expected true or false",
      "'notify: {recievers: []}' | 1 | 10 | notify.recievers | did you mean 'receivers'?",
      "'notify: {receivers: [{slack: {webhook-url: \"https://h\"}}]}' | 1 | 22 | notify.receivers[0] | missing key 'name': expected a receiver name",
      "'notify: {receivers: [{name: \"\", slack: {webhook-url: \"https://h\"}}]}' | 1 | 29 | notify.receivers[0].name | expected a receiver name (letters, digits, '.', '_', '-'; at most 100); got ''",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}, {name: a, slack: {webhook-url: \"https://i\"}}], default-receivers: [a]}' | 1 | 75 | notify.receivers[1].name | duplicate receiver 'a' (first defined at line 1)",
      "'notify: {receivers: [{name: a}]}' | 1 | 22 | notify.receivers[0] | missing the channel: expected one of the keys slack, email, webhook, console",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}, webhook: {url: \"https://h\"}}]}' | 1 | 76 | notify.receivers[0].webhook | a receiver has exactly one of slack, email, webhook, console, but this one also has slack",
      "'notify: {receivers: [{name: a, slack: }], default-receivers: [a]}' | 1 | 38 | notify.receivers[0].slack | missing key 'webhook-url': expected an http(s) URL",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"ftp://h/T0KEN\"}}]}' | 1 | 53 | notify.receivers[0].slack.webhook-url | expected an http(s) URL; the value is not shown because it is secret",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}, daily-digest-at: \"07:00\"}], default-receivers: [a, b]}' | 1 | 118 | notify.default-receivers[1] | unknown receiver 'b'; receivers: a",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}]}' | 1 | 29 | notify.receivers[0].name | receiver 'a' would receive nothing: no route or default-receivers names it and it has no daily-digest-at",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}, daily-digest-at: \"7pm\"}], default-receivers: [a]}' | 1 | 84 | notify.receivers[0].daily-digest-at | expected a UTC time of day such as 02:00 or 02:30",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{receivers: [a, a]}]}' | 1 | 94 | notify.routes[0].receivers[1] | is listed twice",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {}, receivers: []}]}' | 1 | 101 | notify.routes[0].receivers | got an empty list (to keep matching alerts from being sent, use a silence)",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {}}]}' | 1 | 78 | notify.routes[0] | missing key 'receivers'",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{receivers: [a], continue: yes}]}' | 1 | 105 | notify.routes[0].continue | expected true or false",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {severities: [warn]}, receivers: [a]}]}' | 1 | 100 | notify.routes[0].match.severities[0] | unknown severity 'warn'; expected one of: info, warning, critical",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {states: [resolve]}, receivers: [a]}]}' | 1 | 96 | notify.routes[0].match.states[0] | unknown alert state 'resolve'; did you mean 'resolved'? Expected one of: firing, resolved",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {rules: [spikes]}, receivers: [a]}]}' | 1 | 95 | notify.routes[0].match.rules[0] | unknown rule 'spikes'; did you mean 'spike'? Expected one of: spike, drop, python-shift, python-crossing, python-new, os-shift, os-crossing, milestone, trend",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {packages: [\"django-[ab]\"]}, receivers: [a]}]}' | 1 | 98 | notify.routes[0].match.packages[0] | expected a package name or a glob with * and ? such as django-*",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {packages: [-numpy-]}, receivers: [a]}]}' | 1 | 98 | notify.routes[0].match.packages[0] | invalid package name '-numpy-'",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: [{match: {pakages: [numpy]}, receivers: [a]}]}' | 1 | 87 | notify.routes[0].match.pakages | did you mean 'packages'?",
      "'notify: {receivers: [{name: a, slack: {webhook-url: \"https://h\"}}], routes: {receivers: [a]}}' | 1 | 77 | notify.routes | expected a list of routes",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h, to: [b@h], port: 70000}}]}' | 1 | 101 | notify.receivers[0].email.port | expected a port number from 1 to 65535",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h, to: [b@h], tls: ssl}}]}' | 1 | 100 | notify.receivers[0].email.tls | expected none, starttls or tls",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h}}]}' | 1 | 63 | notify.receivers[0].email | missing key 'to': expected a list of e-mail addresses",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h, to: [b@h, ops]}}]}' | 1 | 94 | notify.receivers[0].email.to[1] | expected an e-mail address such as ops@example.org, got 'ops'",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h, to: [b@h], username: me}}]}' | 1 | 63 | notify.receivers[0].email.password | a password is needed with a username",
      "'notify: {default-receivers: [m], receivers: [{name: m, email: {host: h, from: a@h, to: [b@h], passwd: x}}]}' | 1 | 95 | notify.receivers[0].email.passwd | did you mean 'password'?",
      "'notify: {default-receivers: [w], receivers: [{name: w, webhook: {url: \"https://h\", headers: {X-A: 1, x-a: 2}}}]}' | 1 | 102 | notify.receivers[0].webhook.headers.x-a | duplicate header 'x-a' (first defined at line 1)",
      "'notify: {silences: [{match: {packages: [pip]}, ends-at: tomorrow}]}' | 1 | 57 | notify.silences[0].ends-at | expected an instant such as 2026-12-31T00:00:00Z",
      "'notify: {silences: [{comment: x}]}' | 1 | 21 | notify.silences[0] | missing key 'ends-at'",
      "'notify: {retry: {initial-backoff: 1m, max-backoff: 5s}}' | 1 | 52 | notify.retry.max-backoff | max-backoff (5s) must not be less than initial-backoff (1m)",
      "'notify: {retry: {attempts: 0}}' | 1 | 28 | notify.retry.attempts | expected an integer >= 1",
      "'notify: {group-wait: 30}' | 1 | 22 | notify.group-wait | a number without a unit is ambiguous",
      "'notify: {repeat-interval: -1d}' | 1 | 27 | notify.repeat-interval | (not negative)",
      "'notify: {sent-topic: \"a b\"}' | 1 | 22 | notify.sent-topic | expected a Kafka topic name",
      "'notify: {group-id: \"a b\"}' | 1 | 20 | notify.group-id | expected a Kafka id",
      "'notify: {send-resolved: maybe}' | 1 | 25 | notify.send-resolved | expected true or false",
      "'notify: [slack]' | 1 | 9 | notify | expected a mapping, got a list",
      "'poller: {poll-at: \"25:00\"}' | 1 | 19 | poller.poll-at | expected a UTC time of day",
      "'poller: {poll-on-start: maybe}' | 1 | 25 | poller.poll-on-start | expected true or false",
      "'poller: {reference-package: \"a b\"}' | 1 | 29 | poller.reference-package | invalid package name",
      "'poller: {freshness-retry: 1h, freshness-retry-max: 5m}' | 1 | 52 | poller.freshness-retry-max | must not be less than freshness-retry",
      "'api: 5'            | 1 | 6 | api        | expected a mapping, got '5'",
      "'- pip'             | 1 | 1 | ''         | expected a mapping with keys such as api and watchlist, got a list",
      "'watchlist: pip'    | 1 | 12 | watchlist | expected a list of package names, got 'pip'",
      "'watchlist: [[pip]]' | 1 | 13 | watchlist[0] | expected a package name or a mapping with 'name', got a list",
      "'watchlist: [{}]'   | 1 | 13 | watchlist[0] | missing key 'name'",
      "'watchlist: [~]'    | 1 | 13 | watchlist[0] | expected a package name, got nothing",
      "'api: {contact: }'  | 1 | 15 | api.contact | expected a single line of text, got nothing (remove the key to use the default)",
      "'api: {contact: \"a\\nb\"}' | 1 | 16 | api.contact | without control characters",
      "'api: {min-interval: -5s}' | 1 | 21 | api.min-interval | (not negative)",
      "'api: {request-timeout: 0s}' | 1 | 24 | api.request-timeout | expected a duration greater than zero",
      "'api: {max-body-size: 0}' | 1 | 22 | api.max-body-size | at least 1 byte",
      "'api: {pypi-json-url: \"ftp://x.org\"}' | 1 | 22 | api.pypi-json-url | http",
      "'api: {pypi-json-timeout: 0s}' | 1 | 26 | api.pypi-json-timeout | expected a duration greater than zero",
      "'api: {pypi-json-max-attempts: 0}' | 1 | 31 | api.pypi-json-max-attempts | expected an integer >= 1",
      "'api: {base-url: \"https://x.org/api?a=b\"}' | 1 | 17 | api.base-url | without ?query",
      "'api: {initial-backoff: 10s, max-backoff: 5s}' | 1 | 42 | api.max-backoff | max-backoff (5s) must not be less than initial-backoff (10s)",
      "'a: 1\n---\nb: 2' | 2 | 1 | '' | invalid YAML: expected a single document in the stream, but found another document",
  })
  void reportsErrors(String yaml, int line, int column, String keyPath, String message) {
    ConfigError e = onlyError(yaml, Map.of());
    assertEquals(List.of(line, column, keyPath), List.of(e.line(), e.column(), e.keyPath()),
        e.toString());
    assertTrue(e.message().contains(message), e.toString());
  }

  @org.junit.jupiter.api.Test
  void rulesBindGloballyAndPerPackageOverGlobalDefaults() throws ConfigException {
    AppConfig c = parse("rules:\n  spike: {z: 4.5, cooldown: 2d}\n  python-shift: {crossings: [25, 50]}\n"
        + "watchlist:\n  - pip\n  - name: NumPy\n    rules: {spike: {min-ratio: 2}, trend: {enabled: true}, drop: {holidays: [12-24..12-26]}}\n",
        Map.of());
    RuleSettings pip = c.rules().forPackage("pip");
    assertEquals(4.5, pip.spike().z());
    assertEquals(java.time.Duration.ofDays(2), pip.spike().cooldown());
    assertEquals(List.of(25.0, 50.0), pip.pythonShift().crossings());
    assertEquals(List.of("christmas", "thanksgiving", "easter"), pip.drop().holidays().specs());
    RuleSettings numpy = c.rules().forPackage("numpy");
    assertEquals(4.5, numpy.spike().z());
    assertEquals(2.0, numpy.spike().minRatio());
    assertEquals(true, numpy.trend().enabled());
    assertEquals(List.of("12-24..12-26"), numpy.drop().holidays().specs());
    assertEquals(RuleSettings.DEFAULTS, AppConfig.defaults().rules().forPackage("pip"));
  }
}

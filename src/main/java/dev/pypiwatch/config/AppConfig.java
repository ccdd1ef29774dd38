package dev.pypiwatch.config;

import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.rules.RulesConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole configuration, immutable.
 *
 * @param source the file it was loaded from, as named on the command line; null for {@link
 *     #defaults()}
 * @param api the PyPI Stats API client settings
 * @param kafka where events go
 * @param poller the daily poller's schedule and freshness handling
 * @param http the status HTTP server
 * @param rules the detection rules, global and per package
 * @param watchlist the packages to watch
 * @param ruleEngine how the rule verticle runs (consumer group, transactions)
 * @param notifications where alerts are delivered (receivers, routes, grouping)
 */
public record AppConfig(
    Path source,
    ApiConfig api,
    KafkaConfig kafka,
    PollerConfig poller,
    HttpConfig http,
    RulesConfig rules,
    Watchlist watchlist,
    RuleRunnerConfig ruleEngine,
    NotifyConfig notifications) {

  public AppConfig {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(poller, "poller");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(watchlist, "watchlist");
    Objects.requireNonNull(ruleEngine, "ruleEngine");
    Objects.requireNonNull(notifications, "notifications");
  }

  /** The configuration used without a config file: all defaults, no packages. */
  public static AppConfig defaults() {
    return new AppConfig(null, ApiConfig.DEFAULTS, KafkaConfig.DEFAULTS, PollerConfig.DEFAULTS,
        HttpConfig.DEFAULTS, RulesConfig.DEFAULTS, Watchlist.EMPTY, RuleRunnerConfig.DEFAULTS,
        NotifyConfig.DEFAULTS);
  }

  /**
   * One line for {@code check-config}, e.g. {@code 3 packages watched, api
   * https://pypistats.org/api at one request every 2s, embedded Kafka in data/kafka, daily poll at
   * 02:00 UTC}, then the notification receivers if there are any.
   */
  public String summary() {
    int n = watchlist.size();
    String pacing = api.minInterval().isZero()
        ? "without pacing"
        : "at one request every " + Durations.format(api.minInterval());
    String broker = kafka.embedded()
        ? "embedded Kafka in " + kafka.embeddedDataDir()
        : "Kafka at " + kafka.bootstrapServers();
    int receivers = notifications.receivers().size();
    String notify = receivers == 0 ? ""
        : ", notifications to " + receivers + (receivers == 1 ? " receiver" : " receivers");
    return n + (n == 1 ? " package" : " packages") + " watched, api " + api.baseUrl() + " "
        + pacing + ", " + broker + ", daily poll at " + poller.pollAt() + " UTC" + notify;
  }
}

package dev.pypiwatch.config;

import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.Sensitivity;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Binds the top-level mapping. A new section is one class with a {@code bind(MappingReader)}
 * method plus one {@code m.section(...)} line here and a field in {@link AppConfig}.
 */
final class RootBinder {
  private RootBinder() {}

  /**
   * The config, or null if the root is not a mapping (the error is recorded); without {@code
   * notifications} the {@code notify} section is skipped unread and its defaults stand.
   */
  static AppConfig bind(Node root, BindContext ctx, boolean notifications) {
    if (!(root instanceof MappingNode)) {
      ctx.error(root, "", "expected a mapping with keys such as api and watchlist, got "
          + BindContext.describe(root));
      return null;
    }
    MappingReader m = new MappingReader(root, "", "at the top level", ctx);
    ApiConfig api = m.section(ApiSection.KEY, ApiSection::bind);
    KafkaConfig kafka = m.section(KafkaSection.KEY, KafkaSection::bind);
    PollerConfig poller = m.section(PollerSection.KEY, PollerSection::bind);
    HttpConfig http = m.section(HttpSection.KEY, HttpSection::bind);
    RulesSection.Bound bound = m.section(RulesSection.KEY, RulesSection::bind);
    RuleSettings rules = bound.settings();
    // Per-package overrides take the global rules as their defaults, so they are bound after.
    Watchlist watchlist = WatchlistBinder.bind(m, rules);
    RuleRunnerConfig ruleEngine = m.section(RuleRunnerSection.KEY, RuleRunnerSection::bind);
    NotifyConfig notify = notifications ? m.section(NotifySection.KEY, NotifySection::bind)
        : m.skip(NotifySection.KEY, NotifyConfig.DEFAULTS);
    m.finish();
    return new AppConfig(ctx.file, api, kafka, poller, http,
        new RulesConfig(rules, watchlist.ruleOverrides(),
            bound.sensitivity().orElse(Sensitivity.NORMAL), watchlist.sensitivityOverrides()),
        watchlist, ruleEngine, notify);
  }
}

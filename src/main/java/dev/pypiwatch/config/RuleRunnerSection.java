package dev.pypiwatch.config;

/** Binds the {@code rule-engine:} section into a {@link RuleRunnerConfig}; absent keys take the defaults. */
final class RuleRunnerSection {
  static final String KEY = "rule-engine";

  private RuleRunnerSection() {}

  static RuleRunnerConfig bind(MappingReader m) {
    RuleRunnerConfig d = RuleRunnerConfig.DEFAULTS;
    return new RuleRunnerConfig(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("group-id", ValueType.KAFKA_ID, d.groupId()),
        m.get("transactional-id-prefix", ValueType.KAFKA_ID, d.transactionalIdPrefix()));
  }
}

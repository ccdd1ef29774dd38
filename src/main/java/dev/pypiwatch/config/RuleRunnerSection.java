package dev.pypiwatch.config;

/** Binds the {@code rule-engine:} section into a {@link RuleRunnerConfig}; absent keys take the defaults. */
final class RuleRunnerSection {
  static final String KEY = "rule-engine";

  private static final ValueType<String> KAFKA_ID =
      new ValueType<>("a Kafka id (letters, digits, '.', '_', '-')", s -> {
        if (!s.matches("[A-Za-z0-9._-]{1,200}")) {
          throw new IllegalArgumentException(ValueType.message(
              "a Kafka id (letters, digits, '.', '_', '-'; at most 200)", "'" + s + "'"));
        }
        return s;
      });

  private RuleRunnerSection() {}

  static RuleRunnerConfig bind(MappingReader m) {
    RuleRunnerConfig d = RuleRunnerConfig.DEFAULTS;
    return new RuleRunnerConfig(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("group-id", KAFKA_ID, d.groupId()),
        m.get("transactional-id-prefix", KAFKA_ID, d.transactionalIdPrefix()));
  }
}

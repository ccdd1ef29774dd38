package dev.pypiwatch.config;

import dev.pypiwatch.rules.RulesConfig;
import java.util.Objects;

/**
 * How the rule verticle runs: whether it runs, its consumer group and its Kafka transactions. The
 * detection settings themselves are {@link RulesConfig}.
 *
 * @param enabled whether to consume the downloads topic and publish alerts
 * @param groupId consumer group of the downloads topic; instances in one group share the packages
 * @param transactionalIdPrefix prefix of the alert producer's {@code transactional.id}; give each
 *     instance its own (a stable one, so a restarted instance fences its predecessor at once)
 */
public record RuleRunnerConfig(boolean enabled, String groupId, String transactionalIdPrefix) {

  /** Enabled, group {@code pypiwatch-rules}, transactional ids {@code pypiwatch-rules-*}. */
  public static final RuleRunnerConfig DEFAULTS = new RuleRunnerConfig(true, "pypiwatch-rules", "pypiwatch-rules");

  public RuleRunnerConfig {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
    if (groupId.isBlank() || transactionalIdPrefix.isBlank()) {
      throw new IllegalArgumentException("groupId and transactionalIdPrefix must not be blank");
    }
  }
}

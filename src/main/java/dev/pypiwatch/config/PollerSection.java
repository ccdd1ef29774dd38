package dev.pypiwatch.config;

import dev.pypiwatch.events.PackageName;
import java.time.Duration;
import java.time.LocalTime;

/** Binds the {@code poller:} section into a {@link PollerConfig}; absent keys take the defaults. */
final class PollerSection {
  static final String KEY = "poller";

  private static final ValueType<String> REFERENCE =
      new ValueType<>("a package name, __all__, or an empty string", s -> {
        if (!s.isEmpty() && !PackageName.isValid(s)) {
          throw new IllegalArgumentException(PackageName.describeInvalid(s));
        }
        return s;
      });

  private PollerSection() {}

  static PollerConfig bind(MappingReader m) {
    PollerConfig d = PollerConfig.DEFAULTS;
    LocalTime pollAt = m.get("poll-at", ValueType.TIME_OF_DAY, d.pollAt());
    boolean pollOnStart = m.get("poll-on-start", ValueType.BOOLEAN, d.pollOnStart());
    Duration retry = m.get("freshness-retry", ValueType.duration(false), d.freshnessRetry());
    Duration retryMax = m.get("freshness-retry-max", ValueType.duration(false), d.freshnessRetryMax());
    Duration deadline = m.get("freshness-deadline", ValueType.duration(false), d.freshnessDeadline());
    String reference = m.get("reference-package", REFERENCE, d.referencePackage());
    Duration watch = m.get("watch-interval", ValueType.duration(false), d.watchInterval());
    String txId = m.get("transactional-id", ValueType.HEADER_TEXT, d.transactionalId());
    boolean sharded = m.get("sharded", ValueType.BOOLEAN, d.sharded());
    String groupId = m.get("group-id", ValueType.KAFKA_ID, d.groupId());
    String watchlistTopic = m.get("watchlist-topic", ValueType.KAFKA_ID, d.watchlistTopic());
    if (retryMax.compareTo(retry) < 0) {
      m.error("freshness-retry-max", "freshness-retry-max (" + Durations.format(retryMax)
          + ") must not be less than freshness-retry (" + Durations.format(retry) + ")");
    }
    return new PollerConfig(pollAt, pollOnStart, retry, retryMax, deadline, reference, watch, txId, sharded, groupId,
        watchlistTopic);
  }
}

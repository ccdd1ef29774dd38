package dev.pypiwatch.config;

import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Objects;

/**
 * Settings of the daily poller.
 *
 * @param pollAt UTC time of day of the daily poll, after the upstream's 01:00 UTC update
 * @param pollOnStart also poll once right after start-up
 * @param freshnessRetry first wait before re-polling a package whose newest day is not yet there;
 *     doubles up to {@code freshnessRetryMax}
 * @param freshnessRetryMax upper bound of that wait
 * @param freshnessDeadline how long after a cycle starts a package may stay behind before it is
 *     reported stale (it is polled again next cycle)
 * @param referencePackage series that tells upstream holes from missing days (a date it lacks is
 *     missing for everybody); empty to disable
 * @param watchInterval how often the config (and watchlist) files are checked for changes
 * @param transactionalId Kafka transactional id of this poller instance; unique per instance
 * @param sharded whether the instances share the watchlist through Kafka: each polls the packages
 *     of the {@code watchlistTopic} partitions its member of {@code groupId} owns
 * @param groupId the consumer group of the poller instances on the watchlist topic
 * @param watchlistTopic the compacted topic the watchlist is published to, key = package
 */
public record PollerConfig(
    LocalTime pollAt,
    boolean pollOnStart,
    Duration freshnessRetry,
    Duration freshnessRetryMax,
    Duration freshnessDeadline,
    String referencePackage,
    Duration watchInterval,
    String transactionalId,
    boolean sharded,
    String groupId,
    String watchlistTopic) {

  /**
   * Daily at 02:00 UTC and on start; retry stale packages from 15 min up to 2 h, for 20 h; not
   * sharded (group {@code pypiwatch-poller} on {@code pypiwatch.watchlist} when it is).
   */
  public static final PollerConfig DEFAULTS = new PollerConfig(LocalTime.of(2, 0), true,
      Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofHours(20), "__all__",
      Duration.ofSeconds(10), "pypiwatch-poller");

  /** A poller that polls the whole configured watchlist itself (not sharded). */
  public PollerConfig(LocalTime pollAt, boolean pollOnStart, Duration freshnessRetry, Duration freshnessRetryMax,
      Duration freshnessDeadline, String referencePackage, Duration watchInterval, String transactionalId) {
    this(pollAt, pollOnStart, freshnessRetry, freshnessRetryMax, freshnessDeadline, referencePackage, watchInterval,
        transactionalId, false, "pypiwatch-poller", "pypiwatch.watchlist");
  }

  public PollerConfig {
    Objects.requireNonNull(pollAt, "pollAt");
    Objects.requireNonNull(freshnessRetry, "freshnessRetry");
    Objects.requireNonNull(freshnessRetryMax, "freshnessRetryMax");
    Objects.requireNonNull(freshnessDeadline, "freshnessDeadline");
    Objects.requireNonNull(referencePackage, "referencePackage");
    Objects.requireNonNull(watchInterval, "watchInterval");
    Objects.requireNonNull(transactionalId, "transactionalId");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(watchlistTopic, "watchlistTopic");
  }

  /** The same settings, sharded through {@code groupId} on {@code watchlistTopic}. */
  public PollerConfig sharded(String groupId, String watchlistTopic) {
    return new PollerConfig(pollAt, pollOnStart, freshnessRetry, freshnessRetryMax, freshnessDeadline,
        referencePackage, watchInterval, transactionalId, true, groupId, watchlistTopic);
  }

  /** The same settings with {@code transactionalId}. */
  public PollerConfig withTransactionalId(String transactionalId) {
    return new PollerConfig(pollAt, pollOnStart, freshnessRetry, freshnessRetryMax, freshnessDeadline,
        referencePackage, watchInterval, transactionalId, sharded, groupId, watchlistTopic);
  }


  /** The wait before polling late packages again: {@code freshnessRetry} doubling up to {@code freshnessRetryMax}. */
  public RetryPolicy freshnessPolicy() {
    return new RetryPolicy(Integer.MAX_VALUE, freshnessRetry, freshnessRetryMax, RetryPolicy.Jitter.NONE);
  }
}

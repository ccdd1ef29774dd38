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
 * @param transactionalId Kafka transactional id of this poller instance
 */
public record PollerConfig(
    LocalTime pollAt,
    boolean pollOnStart,
    Duration freshnessRetry,
    Duration freshnessRetryMax,
    Duration freshnessDeadline,
    String referencePackage,
    Duration watchInterval,
    String transactionalId) {

  /** Daily at 02:00 UTC and on start; retry stale packages from 15 min up to 2 h, for 20 h. */
  public static final PollerConfig DEFAULTS = new PollerConfig(LocalTime.of(2, 0), true,
      Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofHours(20), "__all__",
      Duration.ofSeconds(10), "pypiwatch-poller");

  public PollerConfig {
    Objects.requireNonNull(pollAt, "pollAt");
    Objects.requireNonNull(freshnessRetry, "freshnessRetry");
    Objects.requireNonNull(freshnessRetryMax, "freshnessRetryMax");
    Objects.requireNonNull(freshnessDeadline, "freshnessDeadline");
    Objects.requireNonNull(referencePackage, "referencePackage");
    Objects.requireNonNull(watchInterval, "watchInterval");
    Objects.requireNonNull(transactionalId, "transactionalId");
  }


  /** The wait before polling late packages again: {@code freshnessRetry} doubling up to {@code freshnessRetryMax}. */
  public RetryPolicy freshnessPolicy() {
    return new RetryPolicy(Integer.MAX_VALUE, freshnessRetry, freshnessRetryMax, RetryPolicy.Jitter.NONE);
  }
}

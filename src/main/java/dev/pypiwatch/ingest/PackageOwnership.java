package dev.pypiwatch.ingest;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which packages this poller instance may publish now, and what its transactions commit with:
 * every package with no group ({@link #ALL}, a single instance), or the packages of the watchlist
 * partitions its member of the pollers' group owns ({@link PollerGroup}). Thread-safe.
 */
public interface PackageOwnership {
  /** Owns every package; commits without group offsets. */
  PackageOwnership ALL = new PackageOwnership() {
    @Override
    public boolean owns(String pkg) {
      return true;
    }

    @Override
    public boolean begin(String pkg) {
      return true;
    }

    @Override
    public void end(String pkg) {}

    @Override
    public Optional<GroupCommit> commitWith(String pkg) {
      return Optional.of(GroupCommit.NONE);
    }
  };

  /** True if {@code pkg} is this instance's to poll and publish now. */
  boolean owns(String pkg);

  /**
   * Marks a publication of {@code pkg} in flight (a revocation waits for it to end); false, and
   * nothing marked, if {@code pkg} is not this instance's.
   */
  boolean begin(String pkg);

  /** Ends what {@link #begin} marked. */
  void end(String pkg);

  /**
   * The group offsets {@code pkg}'s transaction commits with, so that the broker refuses the
   * commit of an instance whose group generation is stale (its packages moved while it was
   * paused); empty if {@code pkg} is not this instance's any more.
   */
  Optional<GroupCommit> commitWith(String pkg);

  /**
   * Consumer offsets committed in a producer's transaction, and the group member they are from.
   *
   * @param offsets what is committed (none: no group)
   * @param group the member's group metadata (generation, member id); null without offsets
   */
  record GroupCommit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    /** No group: the transaction commits records only. */
    public static final GroupCommit NONE = new GroupCommit(Map.of(), null);

    public GroupCommit {
      offsets = Map.copyOf(offsets);
      if (!offsets.isEmpty()) {
        Objects.requireNonNull(group, "group");
      }
    }
  }
}

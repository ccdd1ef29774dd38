package dev.pypiwatch.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consuming stage of a group is current: it owns its partitions, has rebuilt its state
 * for them and has read up to the end offsets it found when it got them. Until then {@link
 * #waiting()} says why not, e.g. {@code "rules: 0 of 6 partitions assigned (joining group
 * pypiwatch-rules)"}; {@code /ready} lists it. Written by the stage's thread, read from any.
 */
public final class StageReadiness {
  private final String stage;
  private volatile String waiting;
  // The loop thread's alone.
  private int partitions;
  private String group = "";
  private int assigned;
  private Map<TopicPartition, Long> target; // null: nothing to replay, or not assigned yet

  /** A stage named {@code stage} in messages (e.g. {@code "rules"}) that has not started. */
  public StageReadiness(String stage) {
    this.stage = Objects.requireNonNull(stage, "stage");
    this.waiting = stage + ": not started";
  }

  /** Why the stage is not current, or empty once it is. */
  public Optional<String> waiting() {
    return Optional.ofNullable(waiting);
  }

  /** True once the stage is current (and until its next rebalance or rebuild). */
  public boolean ready() {
    return waiting == null;
  }

  /** Subscribed to a topic of {@code partitions} partitions in {@code group}; nothing assigned yet. */
  void joining(int partitions, String group) {
    this.partitions = partitions;
    this.group = group;
    unassigned("joining");
  }

  /** Partitions were taken away: a rebalance is under way. */
  void rebalancing() {
    unassigned("rebalancing");
  }

  private void unassigned(String what) {
    target = null;
    waiting = stage + ": 0 of " + partitions + " partitions assigned (" + what + " group " + group + ")";
  }

  /** {@code assigned} partitions are this instance's; their state is being rebuilt. */
  void rebuilding(int assigned) {
    this.assigned = assigned;
    target = null;
    waiting = stage + ": " + assigned + " of " + partitions + " partitions assigned, rebuilding their state";
  }

  /**
   * The state is rebuilt; the stage is current once its {@code position} of every partition
   * reaches {@code end}, the end offsets found when the partitions were assigned.
   */
  void replaying(Map<TopicPartition, Long> end, ToLongFunction<TopicPartition> position) {
    target = Map.copyOf(end);
    progress(position);
  }

  /** After a step: current once every position reached its target. */
  void progress(ToLongFunction<TopicPartition> position) {
    if (target == null) {
      return;
    }
    long behind = 0;
    for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
      behind += Math.max(0, e.getValue() - position.applyAsLong(e.getKey()));
    }
    if (behind == 0) {
      target = null;
      waiting = null;
    } else {
      waiting = stage + ": " + assigned + " of " + partitions + " partitions assigned, replaying to the end found "
          + "at assignment (" + behind + " records to go)";
    }
  }
}

package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A stage is ready only while it owns its partitions, has rebuilt and has read to the end found at assignment. */
class StageReadinessTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final StageReadiness readiness = new StageReadiness("rules");
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  @Test
  void notReadyBeforeStartNorWhileJoining() {
    assertEquals(Optional.of("rules: not started"), readiness.waiting());
    readiness.joining(3, "pypiwatch-rules");
    assertEquals(Optional.of("rules: 0 of 3 partitions assigned (joining group pypiwatch-rules)"), readiness.waiting());
    assertFalse(readiness.ready());
  }

  @Test
  void readyOnceEveryPartitionIsReadToTheEndFoundAtAssignment() {
    readiness.joining(3, "g");
    readiness.rebuilding(2);
    assertEquals(Optional.of("rules: 2 of 3 partitions assigned, rebuilding their state"), readiness.waiting());
    positions.put(P0, 4L);
    positions.put(P1, 10L);
    readiness.replaying(Map.of(P0, 10L, P1, 10L), positions::get);
    assertEquals(Optional.of("rules: 2 of 3 partitions assigned, replaying to the end found at assignment "
        + "(6 records to go)"), readiness.waiting());
    positions.put(P0, 10L);
    readiness.progress(positions::get);
    assertTrue(readiness.ready());
    assertEquals(Optional.empty(), readiness.waiting());
    positions.put(P0, 3L); // a later rewind (a failed step) alone does not make it unready: a rebuild does
    readiness.progress(positions::get);
    assertTrue(readiness.ready());
  }

  @Test
  void anEmptyAssignmentIsReadyAtOnce() {
    readiness.joining(3, "g");
    readiness.rebuilding(0);
    readiness.replaying(Map.of(), positions::get);
    assertTrue(readiness.ready()); // more instances than partitions: this one has nothing to do
  }

  @Test
  void aRebalanceMakesItUnreadyUntilTheNewAssignmentIsRebuiltAndReplayed() {
    readiness.joining(2, "g");
    readiness.rebuilding(2);
    positions.put(P0, 5L);
    positions.put(P1, 5L);
    readiness.replaying(Map.of(P0, 5L, P1, 5L), positions::get);
    assertTrue(readiness.ready());

    readiness.rebalancing();
    assertEquals(Optional.of("rules: 0 of 2 partitions assigned (rebalancing group g)"), readiness.waiting());
    readiness.progress(positions::get); // steps while unassigned change nothing
    assertFalse(readiness.ready());
    readiness.rebuilding(1);
    assertFalse(readiness.ready());
    readiness.replaying(Map.of(P1, 9L), positions::get);
    assertFalse(readiness.ready());
    positions.put(P1, 9L);
    readiness.progress(positions::get);
    assertTrue(readiness.ready());
  }
}

package dev.pypiwatch.notify.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OffsetBatchTest {
  private static final long BATCH = OffsetBatch.BATCH.toNanos();

  @Test
  void offsetsAreCommittedAtOnceWhenThePartitionsAreReadToTheirEnd() {
    OffsetBatch b = new OffsetBatch();
    assertTrue(b.commitNow(true, 0));
    assertFalse(b.commitNow(false, 10)); // waits from here
    assertTrue(b.commitNow(true, 20)); // the end reached before the bound
  }

  @Test
  void aBatchIsCommittedAtItsBoundWhileThePartitionsAreBehind() {
    OffsetBatch b = new OffsetBatch();
    long t0 = 1_000;
    assertFalse(b.commitNow(false, t0));
    assertFalse(b.commitNow(false, t0 + BATCH / 2));
    assertFalse(b.commitNow(false, t0 + BATCH - 1));
    assertTrue(b.commitNow(false, t0 + BATCH));
    // Until a commit the bound stays where the batch began.
    assertTrue(b.commitNow(false, t0 + BATCH + 1));
  }

  @Test
  void aCommitStartsTheNextBatch() {
    OffsetBatch b = new OffsetBatch();
    assertFalse(b.commitNow(false, 0));
    assertTrue(b.commitNow(false, BATCH));
    b.committed();
    assertFalse(b.commitNow(false, BATCH + 1)); // the next batch waits from its own first step
    assertFalse(b.commitNow(false, 2 * BATCH));
    assertTrue(b.commitNow(false, 2 * BATCH + 1));
  }

  @Test
  void theBoundHoldsAcrossTheNanoTimeOverflow() {
    OffsetBatch b = new OffsetBatch();
    long t0 = Long.MAX_VALUE - BATCH / 2;
    assertFalse(b.commitNow(false, t0));
    assertTrue(b.commitNow(false, t0 + BATCH)); // wraps to a negative value
  }
}

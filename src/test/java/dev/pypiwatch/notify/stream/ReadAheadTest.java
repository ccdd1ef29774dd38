package dev.pypiwatch.notify.stream;

import static dev.pypiwatch.notify.NotifierFixtures.firing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pypiwatch.events.Alert;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private final Alert pip = firing("pip");
  private final Alert flask = firing("flask");
  private final Alert numpy = firing("numpy");

  @Test
  void anAlertKeptIsTakenOnceByItsPartitionAndOffset() {
    ReadAhead r = new ReadAhead(10);
    r.put(0, 5, pip);
    r.put(1, 5, flask);
    assertNull(r.take(0, 4), "not kept");
    assertSame(flask, r.take(1, 5));
    assertSame(pip, r.take(0, 5));
    assertNull(r.take(0, 5), "taken already");
    assertEquals(0, r.size());
  }

  @Test
  void takingAnOffsetForgetsThoseBeforeIt() {
    ReadAhead r = new ReadAhead(10);
    r.put(0, 1, pip);
    r.put(0, 3, flask);
    r.put(0, 7, numpy);
    assertNull(r.take(0, 5), "the consumer passed 1 and 3 (transaction markers, say)");
    assertEquals(1, r.size());
    assertNull(r.take(0, 3), "forgotten");
    assertSame(numpy, r.take(0, 7));
  }

  @Test
  void atMostMaxAreKeptAndClearForgetsAll() {
    ReadAhead r = new ReadAhead(2);
    r.put(0, 1, pip);
    r.put(0, 1, pip); // the same record read again counts once
    r.put(0, 2, flask);
    r.put(0, 3, numpy);
    assertEquals(2, r.size());
    assertNull(r.take(0, 3), "past the bound: decoded again");
    r.put(0, 4, numpy);
    r.clear();
    assertEquals(0, r.size());
    assertNull(r.take(0, 4));
  }
}

package dev.pypiwatch.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand, so "today" follows the simulated upstream. */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** 03:00 UTC of {@code day}: after the upstream's 01:00 update. */
  public static TestClock morningOf(LocalDate day) {
    return new TestClock(day.atTime(3, 0).toInstant(ZoneOffset.UTC));
  }

  /** Moves to 03:00 UTC of {@code day}. */
  public void setDay(LocalDate day) {
    now.set(day.atTime(3, 0).toInstant(ZoneOffset.UTC));
  }

  /** Moves the clock forward by {@code d}. */
  public void advance(java.time.Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this; // everything in pypiwatch is UTC
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}

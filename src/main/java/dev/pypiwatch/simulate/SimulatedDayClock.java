package dev.pypiwatch.simulate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock at 03:00 UTC of a simulated day (after the upstream's 01:00 update), running in real time
 * from there: the service's "today" follows a simulated upstream while its waits (group-wait,
 * back-off) still pass. {@code demo} moves it day by day; tests start the service on it.
 */
public final class SimulatedDayClock extends Clock {
  /** The hour of the day the clock starts at: after the upstream's daily update. */
  public static final int HOUR = 3;

  private volatile Duration offset;

  /** A clock at {@value #HOUR}:00 UTC of {@code day}, running on from there. */
  public SimulatedDayClock(LocalDate day) {
    setDay(day);
  }

  /** Moves to {@value #HOUR}:00 UTC of {@code day}; time then runs on from there. */
  public void setDay(LocalDate day) {
    offset = Duration.between(Instant.now(), day.atTime(HOUR, 0).toInstant(ZoneOffset.UTC));
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
    return Instant.now().plus(offset);
  }
}

package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SyntheticPackages;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoCommandTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "NaN", "100000"})
  void aSpeedOutOfRangeIsAUsageErrorBeforeAnythingStarts(String speed) {
    CliRun run = CliRun.of("demo", "--speed", speed, "--port", "0");
    assertEquals(PypiwatchCommand.EXIT_USAGE, run.exitCode(), run.err());
    assertTrue(run.err().contains("--speed must be"), run.err());
    assertEquals("", run.out(), "nothing started, nothing announced");
  }

  @Test
  void aTakenPortIsOneLineNamingTheDemosOption() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      CliRun run = CliRun.of("demo", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(PypiwatchCommand.EXIT_USAGE, run.exitCode(), run.err());
      assertTrue(run.err().contains("port " + taken.getLocalPort() + " of the status server")
          && run.err().contains("start the demo with --port P"), run.err());
      assertTrue(run.err().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + run.err());
    }
  }

  @Test
  void theClockShowsTheSimulatedDayAfterTheUpstreamUpdateAndRuns() {
    LocalDate day = LocalDate.of(2025, 6, 21);
    SimulatedDayClock clock = new SimulatedDayClock(day);
    assertEquals(day, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    // 03:00 UTC, after the upstream's 01:00 update, and before the daily poll would come round.
    Duration sinceMidnight = Duration.between(day.atStartOfDay().toInstant(ZoneOffset.UTC), clock.instant());
    assertTrue(sinceMidnight.compareTo(Duration.ofHours(3)) >= 0 && sinceMidnight.compareTo(Duration.ofHours(4)) < 0,
        sinceMidnight.toString());
    clock.setDay(day.plusDays(1));
    assertEquals(day.plusDays(1), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
  }

  @Test
  void thePlayedDaysStartBeforeTheFirstPlantedAlertAndEndOnTheEventsDay() {
    // The shifts are first reported 9 days before the events day (PlantedEventsTest, backtest):
    // the first poll's newest day must be earlier, or they would be history and never printed.
    LocalDate start = DemoCommand.EVENTS_DAY.minusDays(DemoCommand.DAYS_PLAYED);
    assertTrue(start.minusDays(1).isBefore(DemoCommand.EVENTS_DAY.minusDays(9)), start.toString());
    // Every planted event starts inside the played span's reach (none after the events day).
    SyntheticPackages.planted(DemoCommand.EVENTS_DAY)
        .forEach(p -> assertTrue(p.event().first().isBefore(DemoCommand.EVENTS_DAY), p.describe()));
  }
}

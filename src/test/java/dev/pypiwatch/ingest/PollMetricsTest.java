package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PollMetricsTest {
  private static final Instant AT = Instant.parse("2026-04-10T06:00:01Z");

  /** Records what it hears. */
  private static final class Recorder implements PollListener {
    final List<String> heard = new ArrayList<>();

    @Override
    public void polled(String pkg, Outcome outcome, Instant at) {
      heard.add(pkg + " " + outcome.wire() + " " + at);
    }

    @Override
    public void cycleFinished(Poller.CycleReport report) {
      heard.add("cycle " + report.expectedNewest());
    }
  }

  @Test
  void theLastPollIsKeptByNormalizedNameAndEmptyBefore() {
    PollMetrics m = new PollMetrics();
    assertEquals(Optional.empty(), m.lastPoll("rocketlib"));
    m.polled("RocketLib", PollListener.Outcome.FRESH, AT);
    m.polled("Rocket_Lib", PollListener.Outcome.BEHIND, AT.plusSeconds(5));
    assertEquals(Optional.of(AT), m.lastPoll("ROCKETLIB"));
    assertEquals(Optional.of(AT.plusSeconds(5)), m.lastPoll("rocket-lib"));
    assertEquals(Optional.empty(), m.lastPoll("-not a name-"));
  }

  @Test
  void aFailingListenerNeitherStopsThePollerNorTheOtherListeners() {
    PollMetrics m = new PollMetrics();
    m.addListener(new PollListener() {
      @Override
      public void polled(String pkg, Outcome outcome, Instant at) {
        throw new IllegalStateException("broken listener");
      }

      @Override
      public void cycleFinished(Poller.CycleReport report) {
        throw new IllegalStateException("broken listener");
      }
    });
    Recorder r = new Recorder();
    m.addListener(r);
    m.polled("rocketlib", PollListener.Outcome.INVALID, AT);
    m.cycleFinished(new Poller.CycleReport(java.time.LocalDate.of(2026, 4, 9)));
    assertEquals(List.of("rocketlib invalid " + AT, "cycle 2026-04-09"), r.heard);
    assertEquals(Optional.of(AT), m.lastPoll("rocketlib"));
  }
}

package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.ingest.NewsGate.PackagePoll;
import dev.pypiwatch.ingest.NewsGate.ReferenceCheck;
import dev.pypiwatch.ingest.NewsGate.ReferenceCheck.Status;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewsGateTest {
  private static final LocalDate D = LocalDate.of(2026, 4, 9);
  private static final List<String> WATCHLIST = List.of("a", "b", "c", "d");
  private static final ReferenceCheck CURRENT = ReferenceCheck.answered(D);
  private static final ReferenceCheck LATE = ReferenceCheck.answered(D.minusDays(1));
  private static final ReferenceCheck DOWN = ReferenceCheck.of(Status.DOWN);

  /** Complete poll whose newest day is {@code newest}. */
  private static PackagePoll complete(LocalDate newest) {
    return new PackagePoll(true, true, newest);
  }

  private static final PackagePoll FAILED = new PackagePoll(false, false, null);

  /** One cycle over the watchlist; every polled package answers {@code answer}; returns those polled. */
  private static List<String> cycle(NewsGate gate, ReferenceCheck ref, LocalDate expected, PackagePoll answer) {
    NewsGate.Cycle c = gate.cycle(ref, expected);
    List<String> polled = new ArrayList<>();
    for (String pkg : WATCHLIST) {
      if (c.shouldPoll(pkg)) {
        polled.add(pkg);
        c.polled(pkg, answer);
      }
    }
    return polled;
  }

  /** The day before {@code D}, every package polled completely with the reference current. */
  private static NewsGate afterAnOnTimeDay() {
    NewsGate gate = new NewsGate();
    assertEquals(WATCHLIST, cycle(gate, LATE, D.minusDays(1), complete(D.minusDays(1))));
    return gate;
  }

  @Test
  void aCurrentReferencePollsEveryPackage() {
    NewsGate gate = afterAnOnTimeDay();
    assertEquals(WATCHLIST, cycle(gate, CURRENT, D, complete(D)));
    assertEquals(WATCHLIST, cycle(gate, CURRENT, D, complete(D)), "pollNow twice: polled twice");
  }

  @Test
  void withoutAUsableReferenceEveryPackageIsPolledAsBefore() {
    NewsGate gate = afterAnOnTimeDay();
    for (Status s : List.of(Status.DISABLED, Status.UNUSABLE)) {
      assertEquals(WATCHLIST, cycle(gate, ReferenceCheck.of(s), D, complete(D.minusDays(1))), s.toString());
    }
  }

  @Test
  void aPackageWhoseBatchWasLostIsPolledWhileTheOthersAreHeldBack() {
    NewsGate gate = afterAnOnTimeDay();
    cycle(gate, LATE, D, complete(D.minusDays(1))); // the first held-back cycle's probe
    assertEquals(List.of(), cycle(gate, LATE, D, complete(D.minusDays(1))), "all held back");
    gate.unpublished("c");
    assertEquals(List.of("c"), cycle(gate, LATE, D, complete(D.minusDays(1))), "its batch was aborted: polled");
    assertEquals(List.of(), cycle(gate, LATE, D, complete(D.minusDays(1))), "polled completely again: held back");
  }

  @Test
  void aLateReferenceHoldsBackPackagesThatHaveItsNewestDayButForAProbe() {
    NewsGate gate = afterAnOnTimeDay();
    // GIVEN the reference still ends at D-1 on day D+1: WHEN cycles run, THEN only a probe
    // on the first cycle and every PROBE_EVERY-th is polled.
    List<List<String>> polled = new ArrayList<>();
    for (int i = 0; i < 2 * NewsGate.PROBE_EVERY + 1; i++) {
      polled.add(cycle(gate, LATE, D, complete(D.minusDays(1))));
    }
    for (int i = 0; i < polled.size(); i++) {
      assertEquals(i % NewsGate.PROBE_EVERY == 0 ? List.of("a") : List.of(), polled.get(i), "cycle " + i);
    }
    // WHEN the day is there THEN everybody is polled.
    assertEquals(WATCHLIST, cycle(gate, CURRENT, D, complete(D)));
  }

  @Test
  void aNewDayStartsWithAProbeWhateverTheCountOfTheDayBefore() {
    NewsGate gate = afterAnOnTimeDay();
    assertEquals(List.of("a"), cycle(gate, LATE, D, complete(D.minusDays(1))));
    assertEquals(List.of(), cycle(gate, LATE, D, complete(D.minusDays(1))));
    assertEquals(List.of("a"), cycle(gate, LATE, D.plusDays(1), complete(D.minusDays(1))),
        "the upstream two days late: the next day's first cycle probes");
  }

  @Test
  void packagesNotPolledCompletelySinceTheReferencesNewestDayArePolled() {
    NewsGate gate = new NewsGate();
    NewsGate.Cycle first = gate.cycle(LATE, D);
    // a: a probe that failed, b: transiently empty (not complete), c: complete, d: never polled.
    assertTrue(first.shouldPoll("a"));
    first.polled("a", FAILED);
    assertTrue(first.shouldPoll("b"), "never polled since start-up");
    first.polled("b", new PackagePoll(false, true, D.minusDays(1)));
    assertTrue(first.shouldPoll("c"));
    first.polled("c", complete(D.minusDays(1)));

    NewsGate.Cycle retry = gate.cycle(LATE, D);
    assertTrue(retry.shouldPoll("a"), "failed: polled again as before");
    retry.polled("a", complete(D.minusDays(1)));
    assertTrue(retry.shouldPoll("b"), "transiently empty: polled again as before");
    retry.polled("b", complete(D.minusDays(1)));
    assertFalse(retry.shouldPoll("c"), "has the reference's newest day: waits");
    assertTrue(retry.shouldPoll("d"), "added to the watchlist mid-day: its first poll");
  }

  @Test
  void aPackageWithADayTheReferenceLacksMakesTheRestOfTheCyclePolled() {
    NewsGate gate = afterAnOnTimeDay();
    NewsGate.Cycle c = gate.cycle(LATE, D);
    assertTrue(c.shouldPoll("a"));
    // The upstream published the packages before the reference (a non-atomic update).
    assertTrue(c.polled("a", complete(D)), "the reference is behind the packages");
    assertTrue(c.shouldPoll("b"));
    assertTrue(c.shouldPoll("c"));
    assertEquals(WATCHLIST, cycle(gate, LATE, D, complete(D)), "the retries of that day too");
  }

  @Test
  void aDownUpstreamCostsTheReferenceAndAProbeThatFails() {
    NewsGate gate = afterAnOnTimeDay();
    assertEquals(List.of("a"), cycle(gate, DOWN, D, FAILED));
    assertEquals(List.of(), cycle(gate, DOWN, D, FAILED), "not even packages whose last poll failed");
    assertEquals(List.of(), cycle(gate, DOWN, D, FAILED));
    assertEquals(List.of(), cycle(gate, DOWN, D, FAILED));
    assertEquals(List.of("a"), cycle(gate, DOWN, D, FAILED), "every PROBE_EVERY-th cycle a probe");
    assertEquals(WATCHLIST, cycle(gate, CURRENT, D, complete(D)), "back: everybody");
  }

  @Test
  void aReferenceThatAloneFailsDoesNotHoldBackAnUpstreamThatAnswers() {
    NewsGate gate = afterAnOnTimeDay();
    assertEquals(WATCHLIST, cycle(gate, DOWN, D, complete(D)), "the probe answered: the rest is polled");
    assertEquals(WATCHLIST, cycle(gate, DOWN, D, complete(D)), "and every retry of the day");
    assertEquals(List.of("a"), cycle(gate, DOWN, D.plusDays(1), FAILED), "a new day: a probe first");
    assertEquals(List.of(), cycle(gate, DOWN, D.plusDays(1), FAILED));

    NewsGate partial = afterAnOnTimeDay();
    assertEquals(WATCHLIST, cycle(partial, DOWN, D, new PackagePoll(false, true, null)),
        "a partial answer is an answer too");
  }

  @Test
  void aFirstPollIsMadeEvenWhenTheReferenceIsLate() {
    NewsGate gate = new NewsGate();
    assertEquals(WATCHLIST, cycle(gate, LATE, D, complete(D.minusDays(1))), "start-up: nothing polled yet");
    assertEquals(List.of(), cycle(gate, LATE, D, complete(D.minusDays(1))), "then they wait");
  }
}

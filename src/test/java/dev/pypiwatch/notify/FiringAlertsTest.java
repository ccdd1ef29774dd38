package dev.pypiwatch.notify;

import static dev.pypiwatch.notify.NotifierFixtures.DAY;
import static dev.pypiwatch.notify.NotifierFixtures.alert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The firing set as the catch-up feeds it: lazily decoded alerts, one entry per fingerprint. */
class FiringAlertsTest {
  private static AlertCodec.LazyAlert lazy(Alert a) {
    return AlertCodec.decodeLazily(AlertCodec.encode(a));
  }

  @Test
  void lazilyDecodedAlertsAreKeptAndHandedOutWhole() {
    FiringAlerts f = new FiringAlerts();
    Alert pip = alert("pip", AlertState.FIRING, Severity.CRITICAL, DAY);
    Alert numpy = alert("numpy", AlertState.FIRING, Severity.WARNING, DAY);
    f.record(lazy(pip));
    f.record(lazy(numpy));
    f.record(lazy(alert("numpy", AlertState.RESOLVED, Severity.WARNING, DAY.plusDays(1))));
    assertEquals(List.of(pip), List.copyOf(f.firing()), "whole, as decode reads it");
    assertEquals(pip, f.firingNow(pip.fingerprint()));
    assertNull(f.firingNow(numpy.fingerprint()), "resolved");
    assertEquals(1, f.count("pip"));
    assertEquals(0, f.count("numpy"));
    assertEquals(2, f.size());
  }

  @Test
  void countsFollowEveryChangeAfterTheyWereCounted() {
    FiringAlerts f = new FiringAlerts();
    f.record(alert("pip", "spike", AlertState.FIRING, Severity.WARNING, DAY));
    assertEquals(1, f.count("pip"));
    f.record(lazy(alert("pip", "drop", AlertState.FIRING, Severity.WARNING, DAY)));
    assertEquals(2, f.count("pip"), "counted again after a transition");
    f.record(alert("pip", "spike", AlertState.RESOLVED, Severity.WARNING, DAY.plusDays(1)));
    assertEquals(1, f.count("pip"));
    f.record(alert("pip", "spike", AlertState.FIRING, Severity.WARNING, DAY)); // an older one read again
    assertEquals(1, f.count("pip"), "an older transition does not undo a newer one");
  }

  @Test
  void touchedFingerprintsAreListedOnceAndForgottenWhenTakenOrDropped() {
    FiringAlerts f = new FiringAlerts();
    Alert pip = alert("pip", AlertState.FIRING, Severity.WARNING, DAY);
    Alert flask = alert("flask", AlertState.FIRING, Severity.WARNING, DAY);
    f.record(lazy(pip));
    f.record(lazy(pip)); // read again
    f.record(flask);
    assertEquals(Set.of(pip.fingerprint(), flask.fingerprint()), Set.copyOf(f.takeTouched()));
    assertEquals(List.of(), List.copyOf(f.takeTouched()), "taken: none left");
    f.record(alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY.plusDays(1)));
    f.dropTouched();
    assertEquals(List.of(), f.takeTouched());
    f.record(alert("pip", AlertState.FIRING, Severity.WARNING, DAY.plusDays(2)));
    assertEquals(List.of(pip.fingerprint()), f.takeTouched(), "touched again after it was dropped");
  }

  @Test
  void theOutboxsHistoryNoteMakesNoFingerprintKnown() {
    FiringAlerts f = new FiringAlerts();
    Alert pip = alert("pip", AlertState.FIRING, Severity.WARNING, DAY);
    assertEquals(false, f.historyFiring(pip.fingerprint(), true), "no note before");
    assertEquals(0, f.size());
    assertEquals(List.of(), List.copyOf(f.firing()));
    assertNull(f.firingNow(pip.fingerprint()));
    assertEquals(List.of(), f.takeTouched());
    assertEquals(true, f.historyFiring(pip.fingerprint(), false), "the note as it was");
    assertEquals(false, f.historyFiring(pip.fingerprint(), false));
    assertEquals(false, f.historyFiring("spike:never-seen:overall:without_mirrors", false));
    f.record(pip);
    assertEquals(1, f.size());
    assertEquals(List.of(pip), List.copyOf(f.firing()));
  }
}

package dev.pypiwatch.notify;

import static dev.pypiwatch.notify.NotifierFixtures.DAY;
import static dev.pypiwatch.notify.NotifierFixtures.alert;
import static dev.pypiwatch.notify.NotifierFixtures.config;
import static dev.pypiwatch.notify.NotifierFixtures.packages;
import static dev.pypiwatch.notify.NotifierFixtures.receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.Silence;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Outbox's decisions with silences: a held-back firing is recorded, not sent, and sent at once
 * when no silence holds it any more (once, also across a restart); a resolution goes exactly to
 * the receivers that got its firing; an until-resolved silence ends with its alert's resolution;
 * configured and API silences hold back alike.
 */
class OutboxSilencesTest {
  private static final Instant T0 = DAY.atTime(3, 0).toInstant(ZoneOffset.UTC);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration HOUR = Duration.ofHours(1);

  private final List<SentRecord> persisted = new ArrayList<>();
  private long offset;

  private static NotifyConfig opsAndChat(List<NotifyConfig.Silence> configured) {
    return config(List.of(receiver("ops"), receiver("chat")), List.of(), List.of("ops", "chat"), WAIT,
        Duration.ofDays(7), true, configured, Retry.DEFAULTS);
  }

  private static Alert firing(String pkg) {
    return alert(pkg, AlertState.FIRING, Severity.WARNING, DAY.minusDays(1));
  }

  private static Alert resolved(String pkg) {
    return alert(pkg, AlertState.RESOLVED, Severity.WARNING, DAY);
  }

  private static Silence api(String id, AlertMatcher match, Instant start, Instant end, String untilResolved) {
    return new Silence(id, match, start, end, untilResolved, "test", "alice", start, Silence.Source.API);
  }

  /** Reads {@code a} as the stream does: into the outbox and the firing set; held-back records persisted. */
  private void read(Outbox o, Alert a, Instant at) {
    o.read(a, 0, offset++, at);
    o.firing().record(a);
    persisted.addAll(o.takeRecords());
  }

  /** What is due at {@code at}, each delivered at once (their records persisted); receiver -> fingerprints. */
  private List<String> deliver(Outbox o, Instant at) {
    List<String> out = new ArrayList<>();
    for (Notification n : o.due(at)) {
      persisted.addAll(o.delivered(n.id(), at));
      n.alerts().forEach(a -> out.add(n.receiver() + ":" + a.packageName() + ":" + a.state().wire()));
    }
    return out;
  }

  @Test
  void aFiringSilencedWhenReadIsHeldBackAndSoIsItsResolution() {
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    o.silences().put(api("s1", packages("rocket*"), T0.minus(HOUR), T0.plus(Duration.ofDays(2)), null));
    read(o, firing("rocketlib"), T0);
    read(o, firing("flask"), T0);
    assertEquals(List.of("ops:flask:firing", "chat:flask:firing"), deliver(o, T0.plus(WAIT)),
        "the other alert goes out: the silence held only its own");
    assertEquals(List.of("ops", "chat"), persisted.stream()
        .filter(r -> r.outcome() == SentRecord.Outcome.SILENCED).map(SentRecord::receiver).toList());
    assertEquals("s1", persisted.get(0).notificationId(), "the record names the silence");
    assertTrue(o.firstOpen().isEmpty(), "a held-back alert finishes at once");

    read(o, resolved("rocketlib"), T0.plus(HOUR));
    assertEquals(List.of(), deliver(o, T0.plus(HOUR).plus(WAIT)), "its firing was held back: no resolution either");
  }

  @Test
  void aSilenceAfterTheFiringDoesNotStopItsResolution() {
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    read(o, firing("rocketlib"), T0);
    assertEquals(2, deliver(o, T0.plus(WAIT)).size());
    o.silences().put(api("late", AlertMatcher.ANY, T0.plus(WAIT), T0.plus(Duration.ofDays(2)), null));
    read(o, resolved("rocketlib"), T0.plus(HOUR));
    assertEquals(List.of("ops:rocketlib:resolved", "chat:rocketlib:resolved"),
        deliver(o, T0.plus(HOUR).plus(WAIT)), "the resolution closes what each receiver was told");
  }

  @Test
  void aResolutionGoesOnlyToTheReceiversThatGotTheFiring() {
    NotifyConfig c = config(List.of(receiver("ops"), receiver("chat")),
        List.of(NotifierFixtures.route(packages("rocket*"), true, "ops"), NotifierFixtures.route(AlertMatcher.ANY, false, "chat")),
        List.of(), WAIT, Duration.ofDays(7), true, List.of(), Retry.DEFAULTS);
    Outbox o = new Outbox(c, List::of);
    // chat misses the firing: it is dead-lettered.
    read(o, firing("rocketlib"), T0);
    List<Notification> due = o.due(T0.plus(WAIT));
    for (Notification n : due) {
      if (n.receiver().equals("ops")) {
        persisted.addAll(o.delivered(n.id(), T0.plus(WAIT)));
      } else {
        o.failed(n.id(), new DeliveryException("HTTP 404", false, null, null), T0.plus(WAIT));
      }
    }
    read(o, resolved("rocketlib"), T0.plus(HOUR));
    assertEquals(List.of("ops:rocketlib:resolved"), deliver(o, T0.plus(HOUR).plus(WAIT)),
        "chat never got the firing (dead-lettered): no resolution for it");
  }

  @Test
  void aHeldBackFiringIsSentAtOnceWhenTheSilenceEndsOnceAlsoAfterARestart() {
    Instant end = T0.plus(Duration.ofDays(2));
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    Silence s = api("s1", packages("rocketlib"), T0.minus(HOUR), end, null);
    o.silences().put(s);
    read(o, firing("rocketlib"), T0);
    assertEquals(List.of(), deliver(o, T0.plus(WAIT)));
    assertEquals(List.of(), deliver(o, end.minusMillis(1)), "still silenced");
    assertEquals(List.of("ops:rocketlib:firing", "chat:rocketlib:firing"), deliver(o, end),
        "at the silence's end, without a group-wait or the repeat interval");
    assertEquals(List.of(), deliver(o, end.plus(HOUR)), "once");

    // A restart: a new outbox rebuilt from the persisted records and the topics.
    Outbox again = new Outbox(opsAndChat(List.of()), List::of);
    persisted.forEach(again.sent()::add);
    again.silences().put(s);
    again.firing().record(firing("rocketlib"));
    assertEquals(List.of(), deliver(again, end.plus(HOUR)), "not again after the restart");
    again.read(resolved("rocketlib"), 0, 99, end.plus(Duration.ofDays(1)));
    assertEquals(List.of("ops:rocketlib:resolved", "chat:rocketlib:resolved"),
        deliver(again, end.plus(Duration.ofDays(1)).plus(WAIT)), "they got the firing late: the resolution follows");
  }

  @Test
  void aHeldBackFiringIsSentAtTheSilencesEndWhenTheWalksBetweenLookOnlyAtWhatChanged() {
    // Forming looks at the whole firing set only when time, the day, the silences or the ownership may
    // have made something due; other alerts read and sent meanwhile are looked at alone.
    Instant end = T0.plus(Duration.ofHours(6));
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    o.silences().put(api("s1", packages("rocketlib"), T0.minus(HOUR), end, null));
    read(o, firing("rocketlib"), T0);
    for (int i = 1; i <= 3; i++) {
      Instant at = T0.plus(HOUR.multipliedBy(i));
      read(o, firing("pkg-" + i), at);
      assertEquals(List.of("ops:pkg-" + i + ":firing", "chat:pkg-" + i + ":firing"), deliver(o, at.plus(WAIT)),
          "only the new alert, hour " + i);
    }
    assertEquals(List.of(), deliver(o, end.minusMillis(1)), "still silenced");
    assertEquals(List.of("ops:rocketlib:firing", "chat:rocketlib:firing"), deliver(o, end),
        "at the silence's end, though no alert changed");
  }

  @Test
  void expiringASilenceSendsWhatItHeldBackAtOnce() {
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    Silence s = api("s1", packages("rocketlib"), T0.minus(HOUR), T0.plus(Duration.ofDays(7)), null);
    o.silences().put(s);
    read(o, firing("rocketlib"), T0);
    assertEquals(List.of(), deliver(o, T0.plus(HOUR)));
    o.silences().put(s.expiredAt(T0.plus(HOUR))); // DELETE: a newer record of the same silence
    o.silences().put(s); // the older record read again (another order) does not undo the expiry
    assertEquals(2, deliver(o, T0.plus(HOUR).plusMillis(1)).size());
  }

  @Test
  void anUntilResolvedSilenceEndsWithItsAlertsResolution() {
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    Alert rocket = firing("rocketlib");
    o.silences().put(api("u1", packages("rocket*"), T0.minus(HOUR), null, rocket.fingerprint()));
    read(o, rocket, T0);
    read(o, firing("rocket-other"), T0);
    assertEquals(List.of(), deliver(o, T0.plus(WAIT)), "both matched while it waits");
    assertEquals(List.of(), o.takeEndedSilences());

    read(o, resolved("rocketlib"), T0.plus(HOUR));
    List<Silence> ended = o.takeEndedSilences();
    assertEquals(1, ended.size());
    assertEquals(T0.plus(HOUR), ended.get(0).endsAt(), "ends when the resolution is read");
    assertEquals(List.of("ops:rocket-other:firing", "chat:rocket-other:firing"),
        deliver(o, T0.plus(HOUR).plus(WAIT)),
        "the other alert it held back still fires: sent at once; its own resolution is not sent");
    assertEquals(List.of(), o.takeEndedSilences(), "ended once");
  }

  @Test
  void configuredAndApiSilencesHoldBackAlike() {
    NotifyConfig c = opsAndChat(List.of(new NotifyConfig.Silence(packages("legacy-*"), T0.plus(Duration.ofDays(1)), "old")));
    Outbox o = new Outbox(c, List::of, T0.minus(HOUR));
    o.silences().put(api("s1", packages("rocket*"), T0.minus(HOUR), T0.plus(Duration.ofDays(1)), null));
    read(o, firing("legacy-pkg"), T0);
    read(o, firing("rocketlib"), T0);
    read(o, firing("flask"), T0);
    assertEquals(List.of("ops:flask:firing", "chat:flask:firing"), deliver(o, T0.plus(WAIT)));
    assertEquals(List.of("ops:legacy-pkg:firing", "ops:rocketlib:firing", "chat:legacy-pkg:firing",
        "chat:rocketlib:firing"), deliver(o, T0.plus(Duration.ofDays(1))), "both end together: both sent");
  }

  @Test
  void aPendingSilenceHoldsNothingBeforeItsStart() {
    Outbox o = new Outbox(opsAndChat(List.of()), List::of);
    o.silences().put(api("later", AlertMatcher.ANY, T0.plus(HOUR), T0.plus(Duration.ofDays(1)), null));
    read(o, firing("rocketlib"), T0);
    assertEquals(2, deliver(o, T0.plus(WAIT)).size());
    read(o, firing("flask"), T0.plus(HOUR));
    assertEquals(List.of(), deliver(o, T0.plus(HOUR).plus(WAIT)), "in effect from its start");
  }
}

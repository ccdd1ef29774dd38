package dev.pypiwatch.notify;

import static dev.pypiwatch.notify.NotifierFixtures.DAY;
import static dev.pypiwatch.notify.NotifierFixtures.alert;
import static dev.pypiwatch.notify.NotifierFixtures.config;
import static dev.pypiwatch.notify.NotifierFixtures.firing;
import static dev.pypiwatch.notify.NotifierFixtures.packages;
import static dev.pypiwatch.notify.NotifierFixtures.receiver;
import static dev.pypiwatch.notify.NotifierFixtures.resolved;
import static dev.pypiwatch.notify.NotifierFixtures.route;
import static dev.pypiwatch.notify.NotifierFixtures.toAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig.Silence;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.notify.Notification.Kind;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** 03:00 UTC on the alerts' day, when the rule engine publishes. */
  private static final Instant T0 = DAY.atTime(3, 0).toInstant(java.time.ZoneOffset.UTC);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Retry RETRY = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(3));

  private static List<Alert> cycle(int n) {
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Severity s = Severity.values()[i % 3];
      // All firings: a resolution goes only to a receiver that got its firing (see the silences' tests).
      alerts.add(alert(String.format("pkg-%02d", i), AlertState.FIRING, s, DAY));
    }
    return alerts;
  }

  private static NotifyConfig twoReceivers(Duration repeat) {
    return config(List.of(receiver("ops"), receiver("chat")), List.of(), List.of("ops", "chat"), WAIT, repeat,
        true, List.of(), RETRY);
  }

  private static Outbox outbox(NotifyConfig c) {
    return new Outbox(c, List::of);
  }

  private static void readAll(Outbox o, List<Alert> alerts, Instant from, Duration step) {
    for (int i = 0; i < alerts.size(); i++) {
      o.read(alerts.get(i), 0, i, from.plus(step.multipliedBy(i)));
    }
  }

  // ---- history: transitions older than max-alert-age are kept, not sent

  /** The transitions of {@code pkg}'s spike episodes: fired and resolved the next day, on each of {@code days}. */
  private static List<Alert> episodes(String pkg, LocalDate... days) {
    List<Alert> out = new ArrayList<>();
    for (LocalDate d : days) {
      out.add(alert(pkg, AlertState.FIRING, Severity.WARNING, d));
      out.add(alert(pkg, AlertState.RESOLVED, Severity.WARNING, d.plusDays(1)));
    }
    return out;
  }

  private static List<Alert> sentAfterGroupWait(Outbox o, List<Alert> read, Instant at) {
    for (int i = 0; i < read.size(); i++) {
      o.read(read.get(i), 0, i, at);
    }
    return o.due(at.plus(WAIT)).stream().flatMap(n -> n.alerts().stream()).toList();
  }

  @Test
  void aFirstStartsBackfillSendsOnlyTheLastDaysTransitions() {
    // The first poll backfills 180 days: episodes months ago, one that fired 5 days ago and ended
    // 2 days ago (its end alone would announce something never heard of), and yesterday's spike.
    Outbox o = outbox(toAll(receiver("ops")));
    List<Alert> history = new ArrayList<>(episodes("pip", DAY.minusDays(150), DAY.minusDays(90)));
    history.addAll(episodes("pip", DAY.minusDays(5).minusDays(1)));
    Alert yesterday = alert("pip", AlertState.FIRING, Severity.CRITICAL, DAY.minusDays(1));
    history.add(yesterday);

    assertEquals(List.of(yesterday), sentAfterGroupWait(o, history, T0));
    assertEquals(6, o.history(), "two old episodes and the one ending in the window: 6 transitions");
    assertEquals(Map.of(0, 6L), o.firstOpen(), "history finishes at once: only yesterday's spike (offset 6) holds");
  }

  @Test
  void alertsReadLazilyDecideAsAlertsReadWhole() {
    // The stream reads alerts decoded past their head only when needed (a history firing needs no more).
    List<Alert> history = new ArrayList<>(episodes("pip", DAY.minusDays(150), DAY.minusDays(90)));
    history.addAll(episodes("pip", DAY.minusDays(6)));
    history.add(alert("pip", AlertState.FIRING, Severity.CRITICAL, DAY.minusDays(1)));
    history.add(alert("flask", AlertState.FIRING, Severity.WARNING, DAY.minusDays(40)));
    Outbox whole = outbox(toAll(receiver("ops")));
    Outbox lazy = outbox(toAll(receiver("ops")));
    for (int i = 0; i < history.size(); i++) {
      Alert a = history.get(i);
      var l = dev.pypiwatch.events.AlertCodec.decodeLazily(dev.pypiwatch.events.AlertCodec.encode(a));
      assertEquals(whole.needsSilences(a, T0), lazy.needsSilences(l, T0));
      assertEquals(whole.read(a, 0, i, T0), lazy.read(l, 0, i, T0));
    }
    assertEquals(7, lazy.history());
    assertEquals(whole.history(), lazy.history());
    assertEquals(whole.firstOpen(), lazy.firstOpen());
    assertEquals(whole.due(T0.plus(WAIT)).stream().map(Notification::alerts).toList(),
        lazy.due(T0.plus(WAIT)).stream().map(Notification::alerts).toList());
  }

  @Test
  void onlyAHistoryFiringIsReadWithoutTheSilencesAndWithoutCollectingAnything() {
    Outbox o = outbox(toAll(receiver("ops")));
    Alert oldFiring = alert("pip", AlertState.FIRING, Severity.WARNING, DAY.minusDays(40));
    Alert oldEnd = alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY.minusDays(39));
    Alert news = alert("flask", AlertState.FIRING, Severity.WARNING, DAY);
    Alert newsEnd = alert("flask", AlertState.RESOLVED, Severity.WARNING, DAY);
    assertEquals(false, o.needsSilences(oldFiring, T0), "dropped before any silence is looked at");
    assertTrue(o.needsSilences(oldEnd, T0), "a resolution, however old, ends its until-resolved silences");
    assertTrue(o.needsSilences(news, T0));
    assertTrue(o.needsSilences(newsEnd, T0));
    o.read(oldFiring, 0, 0, T0);
    o.read(oldEnd, 0, 1, T0);
    assertEquals(0, o.collected(), "history goes into no notification: no chart is wanted");
    o.read(news, 0, 2, T0);
    assertEquals(1, o.collected());
    o.read(news, 0, 3, T0);
    assertEquals(1, o.collected(), "read again while planned: collected once");
  }

  @Test
  void aNewlyAddedPackagesHistoryIsNotSentWhileTheOthersNewsIs() {
    Outbox o = outbox(toAll(receiver("ops")));
    Alert known = alert("numpy", AlertState.FIRING, Severity.WARNING, DAY);
    List<Alert> read = new ArrayList<>(List.of(known));
    read.addAll(episodes("added-today", DAY.minusDays(40), DAY.minusDays(12))); // its backfill
    assertEquals(List.of(known), sentAfterGroupWait(o, read, T0));
    assertEquals(4, o.history());
  }

  @Test
  void aCatchUpAfterAnOutageSendsTheRecentDaysOnly() {
    // Upstream down for 9 days; on its return the rule stage evaluates the 9 days at once.
    Outbox o = outbox(toAll(receiver("ops")));
    Alert oldFiring = alert("pip", AlertState.FIRING, Severity.WARNING, DAY.minusDays(8));
    Alert recentFiring = alert("flask", AlertState.FIRING, Severity.WARNING, DAY.minusDays(3)); // 3 days: in the window
    Alert oldEnd = alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY.minusDays(1));
    assertEquals(List.of(recentFiring), sentAfterGroupWait(o, List.of(oldFiring, recentFiring, oldEnd), T0));
    assertEquals(2, o.history(), "the old firing and the end of that unsent episode");
  }

  @Test
  void aResolutionOfAFiringThatWasSentIsSentEvenWhenTheFiringIsOld() {
    Outbox o = outbox(toAll(receiver("ops")));
    Alert firing = alert("pip", AlertState.FIRING, Severity.WARNING, DAY.minusDays(20));
    // The firing was news when it happened, 20 days ago.
    Instant then = T0.minus(Duration.ofDays(20));
    assertEquals(List.of(firing), sentAfterGroupWait(o, List.of(firing), then));
    Alert end = alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY);
    o.read(end, 0, 1, T0);
    assertTrue(o.due(T0.plus(WAIT)).stream().noneMatch(n -> n.alerts().contains(end)),
        "the first notification is still in flight: the receiver's queue holds the end");
    assertEquals(0, o.history());
  }

  @Test
  void anOldResolutionClosesTheLoopForAReceiverThatHeardTheFiring() {
    // pypiwatch was down 9 days: the end of a spike it announced is old by the time it is read.
    Outbox o = outbox(twoReceivers(Duration.ZERO));
    Alert firing = alert("pip", AlertState.FIRING, Severity.WARNING, DAY.minusDays(9));
    o.sent().add(new SentRecord("ops", firing.fingerprint(), "firing", firing.date(), "n-1", Kind.ALERTS,
        T0.minus(Duration.ofDays(9)), SentRecord.Outcome.SENT));
    Alert end = alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY.minusDays(8));
    o.read(end, 0, 0, T0);
    List<Notification> due = o.due(T0.plus(WAIT));
    assertEquals(List.of("ops"), due.stream().map(Notification::receiver).toList(), "ops heard the firing, chat did not");
    assertEquals(List.of(end), due.get(0).alerts());
    assertEquals(0, o.history());
  }

  @Test
  void maxAlertAgeIsConfigurable() {
    NotifyConfig d = toAll(receiver("ops"));
    NotifyConfig week = new NotifyConfig(d.receivers(), d.routes(), d.defaultReceivers(), d.groupWait(),
        d.repeatInterval(), d.sendResolved(), d.silences(), Duration.ofDays(7), d.retry(), d.groupId(),
        d.sentTopic(), d.dlqTopic());
    Alert fiveDaysOld = alert("pip", AlertState.FIRING, Severity.WARNING, DAY.minusDays(5));
    assertEquals(List.of(), sentAfterGroupWait(outbox(d), List.of(fiveDaysOld), T0), "default: 3 days");
    assertEquals(List.of(fiveDaysOld), sentAfterGroupWait(outbox(week), List.of(fiveDaysOld), T0));
  }

  // ---- grouping

  @Test
  void aCycleOfTwentyAlertsIsOneNotificationPerReceiverAfterGroupWait() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    List<Alert> alerts = cycle(20);
    readAll(o, alerts, T0, Duration.ofMillis(500)); // the cycle's packages 0.5 s apart
    assertEquals(List.of(), o.due(T0.plus(WAIT).minusMillis(1)), "not before group-wait");
    List<Notification> due = o.due(T0.plus(WAIT));
    assertEquals(List.of("ops", "chat"), due.stream().map(Notification::receiver).toList());
    for (Notification n : due) {
      assertEquals(Kind.ALERTS, n.kind());
      assertEquals(20, n.alerts().size());
      assertEquals(DAY, n.date());
      assertEquals(Severity.CRITICAL, n.alerts().get(0).severity(), "highest severity first");
      assertEquals(Severity.INFO, n.alerts().get(19).severity());
      List<Alert> critical = n.alerts().subList(0, 6);
      assertEquals(critical.stream().map(Alert::packageName).sorted().toList(),
          critical.stream().map(Alert::packageName).toList(), "then by package");
    }
    assertEquals(List.of(), o.due(T0.plus(WAIT.multipliedBy(3))), "in flight: not attempted twice");
  }

  @Test
  void groupWaitRunsFromTheFirstAlertOfTheGroup() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    o.read(firing("a"), 0, 0, T0);
    o.read(firing("b"), 0, 1, T0.plusSeconds(29));
    List<Notification> due = o.due(T0.plusSeconds(30));
    assertEquals(2, due.get(0).alerts().size(), "b joined a's group");
    o.read(firing("c"), 0, 2, T0.plusSeconds(31));
    due.forEach(n -> o.delivered(n.id(), T0.plusSeconds(31)));
    assertEquals(List.of(), o.due(T0.plusSeconds(60)));
    assertEquals(List.of("c"), o.due(T0.plusSeconds(61)).get(0).alerts().stream().map(Alert::packageName).toList());
  }

  @Test
  void aFullGroupGoesOutAtOnceAndBiggerOnesAreSplit() {
    Outbox o = outbox(toAll(receiver("ops")));
    readAll(o, cycle(250), T0, Duration.ZERO);
    List<Notification> first = o.due(T0);
    assertEquals(1, first.size(), "one at a time per receiver");
    assertEquals(Outbox.MAX_ALERTS, first.get(0).alerts().size());
    assertEquals(3, o.pending());
    o.delivered(first.get(0).id(), T0);
    Notification second = o.due(T0).get(0);
    o.delivered(second.id(), T0);
    Notification third = o.due(T0).get(0);
    assertEquals(50, third.alerts().size());
    assertNotEquals(second.id(), third.id());
  }

  @Test
  void aTransitionReadTwiceIsGroupedOnce() {
    Outbox o = outbox(toAll(receiver("ops")));
    o.read(firing("pip"), 0, 0, T0);
    o.read(firing("pip"), 0, 1, T0); // republished by the rule engine
    o.read(resolved("pip"), 0, 2, T0);
    Notification n = o.due(T0.plus(WAIT)).get(0);
    assertEquals(List.of(AlertState.FIRING, AlertState.RESOLVED), n.alerts().stream().map(Alert::state).toList());
  }

  @Test
  void chartsOfTheMentionedPackagesAreAttached() {
    Outbox o = outbox(toAll(receiver("ops")));
    o.series().record(new DownloadRecord("pip", Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, DAY, 42));
    o.read(firing("pip"), 0, 0, T0);
    o.read(firing("unknown-yet"), 0, 1, T0);
    Notification n = o.due(T0.plus(WAIT)).get(0);
    assertEquals(Set.of("pip"), n.series().keySet());
    assertEquals(42, n.series().get("pip").at(DAY));
  }

  // ---- exactly once

  @Test
  void sentKeysAreSkippedAndLeaveNothingOpen() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    o.sent().add(new SentRecord("ops", firing("pip").fingerprint(), "firing", DAY, "n1", Kind.ALERTS, T0,
        SentRecord.Outcome.SENT));
    o.read(firing("pip"), 0, 7, T0);
    List<Notification> due = o.due(T0.plus(WAIT));
    assertEquals(List.of("chat"), due.stream().map(Notification::receiver).toList());
    assertEquals(Map.of(0, 7L), o.firstOpen());
    o.delivered(due.get(0).id(), T0.plus(WAIT));
    assertEquals(Map.of(), o.firstOpen());
    o.read(firing("pip"), 0, 8, T0.plus(WAIT)); // read again (e.g. after a restart): both sent
    assertEquals(Map.of(), o.firstOpen());
    assertEquals(List.of(), o.due(T0.plus(WAIT.multipliedBy(3))));
  }

  @Test
  void anAlertStaysOpenUntilEveryReceiverOfItIsDone() {
    NotifyConfig c = config(List.of(receiver("ops"), receiver("slow")),
        List.of(route(packages("slow-*"), false, "slow")), List.of("ops"), WAIT, Duration.ZERO, true, List.of(),
        RETRY);
    Outbox o = outbox(c);
    o.read(firing("slow-pkg"), 0, 0, T0);
    o.read(firing("pip"), 0, 1, T0);
    o.read(firing("numpy"), 1, 5, T0);
    Map<String, Notification> due = byReceiver(o.due(T0.plus(WAIT)));
    assertEquals(Map.of(0, 0L, 1, 5L), o.firstOpen());
    o.delivered(due.get("ops").id(), T0.plus(WAIT));
    assertEquals(Map.of(0, 0L), o.firstOpen(), "ops is done; slow-pkg still open, pip behind it");
    o.delivered(due.get("slow").id(), T0.plus(WAIT));
    assertEquals(Map.of(), o.firstOpen());
  }

  @Test
  void silencedAndUnroutedAlertsAreNeverOpen() {
    NotifyConfig c = config(List.of(receiver("ops")), List.of(route(packages("django-*"), false, "ops")), List.of(),
        WAIT, Duration.ZERO, false,
        List.of(new Silence(packages("django-silenced"), T0.plusSeconds(3600), "noisy")), RETRY);
    Outbox o = outbox(c);
    o.read(firing("flask"), 0, 0, T0);
    o.read(firing("django-silenced"), 0, 1, T0);
    o.read(resolved("django-rest"), 0, 2, T0); // send-resolved off
    assertEquals(Map.of(), o.firstOpen());
    assertEquals(List.of(), o.due(T0.plus(Duration.ofDays(1))));
    assertEquals(0, o.pending());
  }

  @Test
  void readSaysWhetherAFiringWasPlannedToGoOut() {
    // What the notifier looks releases up for at once: firings some receiver will be sent.
    NotifyConfig c = config(List.of(receiver("ops")), List.of(route(packages("django-*"), false, "ops")), List.of(),
        WAIT, Duration.ZERO, true,
        List.of(new Silence(packages("django-silenced"), T0.plusSeconds(3600), "noisy")), RETRY);
    Outbox o = outbox(c);
    assertEquals(true, o.read(firing("django-rest"), 0, 0, T0), "routed");
    assertEquals(false, o.read(firing("django-rest"), 0, 1, T0), "planned already");
    assertEquals(false, o.read(firing("flask"), 0, 2, T0), "no route takes it");
    assertEquals(false, o.read(firing("django-silenced"), 0, 3, T0), "silenced");
    assertEquals(false, o.read(resolved("django-rest"), 0, 4, T0), "a resolution");
    assertEquals(false, o.read(alert("django-old", AlertState.FIRING, Severity.WARNING, DAY.minusDays(30)), 0, 5,
        T0), "history (older than max-alert-age)");
  }

  @Test
  void idsDependOnlyOnTheReceiverAndTheTransitions() {
    List<Alert> alerts = cycle(12);
    List<Alert> shuffled = new ArrayList<>(alerts);
    Collections.shuffle(shuffled, new java.util.Random(7));
    Outbox a = outbox(twoReceivers(Duration.ofDays(7)));
    Outbox b = outbox(twoReceivers(Duration.ofDays(7)));
    readAll(a, alerts, T0, Duration.ZERO);
    readAll(b, shuffled, T0.plusSeconds(3600), Duration.ofSeconds(1)); // another time, another order
    Map<String, Notification> first = byReceiver(a.due(T0.plus(WAIT)));
    Map<String, Notification> again = byReceiver(b.due(T0.plusSeconds(3600).plus(WAIT.multipliedBy(2))));
    assertEquals(first.get("ops").id(), again.get("ops").id());
    assertEquals(first.get("ops").alerts(), again.get("ops").alerts());
    assertNotEquals(first.get("ops").id(), first.get("chat").id());
    Outbox fewer = outbox(twoReceivers(Duration.ofDays(7)));
    readAll(fewer, alerts.subList(0, 11), T0, Duration.ZERO);
    assertNotEquals(first.get("ops").id(), byReceiver(fewer.due(T0.plus(WAIT))).get("ops").id());
  }

  // ---- retries and dead letters

  @Test
  void retryableFailuresBackOffExponentiallyThenDeadLetter() {
    Outbox o = outbox(config(List.of(receiver("ops")), List.of(), List.of("ops"), WAIT, Duration.ZERO, true,
        List.of(), RETRY));
    o.read(firing("pip"), 0, 0, T0);
    Instant t = T0.plus(WAIT);
    List<Duration> delays = new ArrayList<>();
    Outbox.Failure f = null;
    for (int attempt = 1; attempt <= RETRY.attempts(); attempt++) {
      List<Notification> due = o.due(t);
      assertEquals(1, due.size(), "attempt " + attempt);
      f = o.failed(due.get(0).id(), new DeliveryException("ops: HTTP 503", true, null, null), t);
      if (f instanceof Outbox.Retrying r) {
        delays.add(r.delay());
        assertEquals(List.of(), o.due(t.plus(r.delay()).minusMillis(1)), "not before the back-off");
        t = t.plus(r.delay());
      }
    }
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), delays,
        "1 s doubling, capped at 3 s");
    Outbox.DeadLettered dead = assertInstanceOf(Outbox.DeadLettered.class, f);
    assertEquals(4, dead.attempts());
    assertEquals("ops: HTTP 503", dead.error());
    assertEquals(List.of(SentRecord.Outcome.DEAD_LETTERED),
        dead.records().stream().map(SentRecord::outcome).toList());
    assertTrue(o.sent().contains(SentRecord.key("ops", firing("pip"))), "not tried again after a restart");
    assertEquals(Map.of(), o.firstOpen());
    assertEquals(0, o.pending());
  }

  @Test
  void retryAfterIsHonouredAndOtherErrorsAreRetryable() {
    Outbox o = outbox(toAll(receiver("ops")));
    o.read(firing("pip"), 0, 0, T0);
    Instant t = T0.plus(WAIT);
    Notification n = o.due(t).get(0);
    Outbox.Retrying r = assertInstanceOf(Outbox.Retrying.class,
        o.failed(n.id(), new DeliveryException("slack: 429", true, Duration.ofSeconds(42), null), t));
    assertEquals(Duration.ofSeconds(42), r.delay());
    assertEquals(List.of(), o.due(t.plusSeconds(41)));
    assertEquals(List.of(n), o.due(t.plusSeconds(42)));
    Outbox.Retrying other = assertInstanceOf(Outbox.Retrying.class,
        o.failed(n.id(), new CompletionException(new IOException("connection reset")), t.plusSeconds(42)));
    assertEquals(Duration.ofSeconds(2), other.delay(), "second failure");
    assertEquals("java.io.IOException: connection reset", other.error());
  }

  @Test
  void aNonRetryableFailureIsDeadLetteredAtOnceAndHoldsUpNoOtherReceiver() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    o.read(firing("pip"), 0, 0, T0);
    Map<String, Notification> due = byReceiver(o.due(T0.plus(WAIT)));
    Outbox.Failure f = o.failed(due.get("ops").id(),
        new DeliveryException("ops: HTTP 404 (no such hook)", false, null, null), T0.plus(WAIT));
    assertEquals(1, assertInstanceOf(Outbox.DeadLettered.class, f).attempts());
    assertEquals(Map.of(0, 0L), o.firstOpen(), "chat has not answered yet");
    assertEquals(1, o.delivered(due.get("chat").id(), T0.plus(WAIT)).size());
    assertEquals(Map.of(), o.firstOpen());
  }

  @Test
  void aReceiverInBackOffDoesNotHoldUpAnother() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    o.read(firing("pip"), 0, 0, T0);
    Instant t = T0.plus(WAIT);
    Map<String, Notification> due = byReceiver(o.due(t));
    o.failed(due.get("ops").id(), new DeliveryException("503", true, Duration.ofMinutes(5), null), t);
    o.delivered(due.get("chat").id(), t);
    o.read(firing("numpy"), 0, 1, t);
    assertEquals(List.of("chat"), o.due(t.plus(WAIT)).stream().map(Notification::receiver).toList(),
        "chat's next message goes while ops waits");
    assertEquals(List.of("ops"), o.due(t.plus(Duration.ofMinutes(5))).stream().map(Notification::receiver).toList());
  }

  @Test
  void onlyTheNotificationInFlightCanBeAnswered() {
    Outbox o = outbox(toAll(receiver("ops")));
    o.read(firing("pip"), 0, 0, T0);
    assertThrows(IllegalStateException.class, () -> o.delivered("nope", T0));
  }

  @Test
  void backoffDoublesUpToTheCap() {
    Retry r = new Retry(10, Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertEquals(Duration.ofSeconds(1), r.policy().backoff(1));
    assertEquals(Duration.ofSeconds(8), r.policy().backoff(4));
    assertEquals(Duration.ofSeconds(256), r.policy().backoff(9));
    assertEquals(Duration.ofMinutes(5), r.policy().backoff(10));
    assertEquals(Duration.ofMinutes(5), r.policy().backoff(1000));
  }

  // ---- reminders

  @Test
  void aReminderAfterRepeatIntervalAndNotBefore() {
    Duration repeat = Duration.ofDays(7);
    Outbox o = outbox(twoReceivers(repeat));
    Alert a = firing("pip");
    o.firing().record(a);
    o.read(a, 0, 0, T0);
    Instant sentAt = T0.plus(WAIT);
    byReceiver(o.due(sentAt)).values().forEach(n -> o.delivered(n.id(), sentAt));
    assertEquals(List.of(), o.due(sentAt.plus(repeat).minusSeconds(1)));
    List<Notification> reminders = o.due(sentAt.plus(repeat));
    assertEquals(List.of(Kind.REMINDER, Kind.REMINDER), reminders.stream().map(Notification::kind).toList());
    assertEquals(List.of(a), reminders.get(0).alerts());
    Instant remindedAt = sentAt.plus(repeat).plusSeconds(2);
    reminders.forEach(n -> o.delivered(n.id(), remindedAt));
    assertEquals(List.of(), o.due(remindedAt.plus(repeat).minusSeconds(1)), "the next one counts from the reminder");
    assertEquals(2, o.due(remindedAt.plus(repeat)).size());
  }

  @Test
  void noReminderForResolvedUnsentSilencedOrDisabled() {
    Alert a = firing("pip");
    Instant later = T0.plus(Duration.ofDays(30));
    // resolved meanwhile
    Outbox o = sentAndFiring(twoReceivers(Duration.ofDays(7)), a);
    o.firing().record(alert("pip", AlertState.RESOLVED, Severity.WARNING, DAY.plusDays(1)));
    assertEquals(List.of(), o.due(later));
    // the firing was never sent (silenced, or the notifier came later)
    Outbox unsent = outbox(twoReceivers(Duration.ofDays(7)));
    unsent.firing().record(a);
    assertEquals(List.of(), unsent.due(later));
    // dead-lettered: the receiver was not told
    Outbox dead = outbox(toAll(receiver("ops")));
    dead.firing().record(a);
    dead.read(a, 0, 0, T0);
    Notification n = dead.due(T0.plus(WAIT)).get(0);
    dead.failed(n.id(), new DeliveryException("gone", false, null, null), T0.plus(WAIT));
    assertEquals(List.of(), dead.due(later));
    // silenced at reminder time
    NotifyConfig silenced = config(List.of(receiver("ops")), List.of(), List.of("ops"), WAIT, Duration.ofDays(7), true,
        List.of(new Silence(AlertMatcher.ANY, later.plusSeconds(1), "maintenance")), RETRY);
    Outbox quiet = outbox(silenced);
    quiet.sent().add(new SentRecord("ops", a.fingerprint(), "firing", DAY, "n", Kind.ALERTS, T0,
        SentRecord.Outcome.SENT));
    quiet.firing().record(a);
    assertEquals(List.of(), quiet.due(later));
    assertEquals(1, quiet.due(later.plusSeconds(1)).size(), "after the silence");
    // disabled
    assertEquals(List.of(), sentAndFiring(twoReceivers(Duration.ZERO), a).due(later));
  }

  @Test
  void remindersOnlyForOwnedFingerprints() {
    Alert a = firing("pip");
    Outbox o = sentAndFiring(twoReceivers(Duration.ofDays(7)), a);
    o.reassigned(fp -> !fp.equals(a.fingerprint()), true);
    assertEquals(List.of(), o.due(T0.plus(Duration.ofDays(8))));
  }

  @Test
  void remindersComeDueAtTheirTimeWhenTheWalksBetweenLookOnlyAtWhatChanged() {
    // Forming between reminders looks only at the fingerprints whose state or sent records changed (the
    // whole firing set only at the next reminder's time, a new day, a silence or a reassignment).
    Duration repeat = Duration.ofHours(4);
    Outbox ops = outbox(config(List.of(receiver("ops")), List.of(), List.of("ops"), WAIT, repeat, true, List.of(),
        RETRY));
    Alert early = firing("pip");
    Alert late = firing("flask");
    ops.firing().record(early);
    ops.read(early, 0, 0, T0);
    Instant earlySent = T0.plus(WAIT);
    ops.due(earlySent).forEach(n -> ops.delivered(n.id(), earlySent));
    // Another alert fires and is sent an hour later; forming in between sees only it.
    Instant lateSent = T0.plus(Duration.ofHours(1));
    ops.firing().record(late);
    ops.read(late, 0, 1, lateSent.minus(WAIT));
    ops.due(lateSent).forEach(n -> ops.delivered(n.id(), lateSent));
    assertEquals(List.of(), ops.due(earlySent.plus(repeat).minusMillis(1)));
    List<Notification> first = ops.due(earlySent.plus(repeat));
    assertEquals(List.of(early), first.stream().flatMap(n -> n.alerts().stream()).toList(), "at its time, alone");
    first.forEach(n -> ops.delivered(n.id(), earlySent.plus(repeat)));
    assertEquals(List.of(), ops.due(lateSent.plus(repeat).minusMillis(1)));
    List<Notification> second = ops.due(lateSent.plus(repeat));
    assertEquals(List.of(late), second.stream().flatMap(n -> n.alerts().stream()).toList(),
        "the other at its own time, though nothing changed since the last walk");
    second.forEach(n -> ops.delivered(n.id(), lateSent.plus(repeat)));
    // A sent record read later (a rebuild reads the sent topic) makes its alert a candidate again at once.
    Alert rebuilt = firing("numpy");
    ops.firing().record(rebuilt);
    assertEquals(List.of(), ops.due(lateSent.plus(repeat)), "not sent: nothing to remind of");
    ops.sent().add(new SentRecord("ops", rebuilt.fingerprint(), "firing", rebuilt.date(), "n0", Kind.ALERTS, T0,
        SentRecord.Outcome.SENT));
    assertEquals(List.of(rebuilt), ops.due(lateSent.plus(repeat)).stream().flatMap(n -> n.alerts().stream())
        .toList(), "sent before the last reminders: due at once");
  }

  @Test
  void nothingIsFormedFromTheFiringSetWhileItLagsAndWhatIsDueGoesOutOnceItCaughtUp() {
    // A catch-up: the firing set has not yet taken what was published lately (a resolution, perhaps).
    Alert a = firing("pip");
    Alert b = firing("flask");
    NotifyConfig c = config(List.of(receiver("ops", null, LocalTime.of(8, 0))), List.of(), List.of("ops"), WAIT,
        Duration.ofDays(7), true, List.of(), RETRY);
    Outbox o = new Outbox(c, () -> List.of("pip"));
    for (Alert x : List.of(a, b)) {
      o.sent().add(new SentRecord("ops", x.fingerprint(), "firing", x.date(), "n", Kind.ALERTS, T0,
          SentRecord.Outcome.SENT));
      o.firing().record(x);
    }
    Instant later = DAY.plusDays(8).atTime(9, 0).toInstant(java.time.ZoneOffset.UTC); // a reminder and the digest due
    o.firingBehind(true);
    assertEquals(List.of(), o.due(later), "no reminder, no digest: the firing set may not hold the resolutions yet");
    o.firing().record(alert("flask", AlertState.RESOLVED, Severity.WARNING, DAY.plusDays(1)));
    o.firingBehind(false);
    List<Notification> due = o.due(later.plusMillis(1));
    assertEquals(List.of(Kind.REMINDER), due.stream().map(Notification::kind).toList(),
        "the reminder of what still fires (the digest waits behind it: one queue per receiver)");
    assertEquals(List.of(a), due.get(0).alerts(), "not of what resolved meanwhile");
    o.delivered(due.get(0).id(), later.plusMillis(1));
    assertEquals(List.of(Kind.DIGEST), o.due(later.plusMillis(2)).stream().map(Notification::kind).toList());
  }

  @Test
  void remindersOfMoreThanAGroupAreSplitInSeverityAndPackageOrderWhateverOrderTheFiringSetHolds() {
    Duration repeat = Duration.ofDays(7);
    NotifyConfig c = twoReceivers(repeat);
    Outbox o = outbox(c);
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < Outbox.MAX_ALERTS + 50; i++) {
      alerts.add(alert(String.format("pkg-%03d", i), AlertState.FIRING, Severity.values()[i % 3], DAY));
    }
    Collections.shuffle(alerts, new java.util.Random(15));
    for (Alert a : alerts) {
      for (Receiver r : c.receivers()) {
        o.sent().add(new SentRecord(r.name(), a.fingerprint(), "firing", a.date(), "n", Kind.ALERTS, T0,
            SentRecord.Outcome.SENT));
      }
      o.firing().record(a);
    }
    List<Alert> ordered = alerts.stream().sorted(java.util.Comparator.comparing(Alert::severity).reversed()
        .thenComparing(Alert::packageName)).toList();
    assertEquals(List.of(), o.due(T0.plus(repeat).minusSeconds(1)));
    List<Notification> first = o.due(T0.plus(repeat));
    assertEquals(List.of("ops", "chat"), first.stream().map(Notification::receiver).toList(), "the routes' order");
    for (Notification n : first) {
      assertEquals(Kind.REMINDER, n.kind());
      assertEquals(ordered.subList(0, Outbox.MAX_ALERTS), n.alerts(), "the first chunk of " + n.receiver());
    }
    first.forEach(n -> o.delivered(n.id(), T0.plus(repeat)));
    for (Notification n : o.due(T0.plus(repeat))) {
      assertEquals(ordered.subList(Outbox.MAX_ALERTS, ordered.size()), n.alerts(), "the rest for " + n.receiver());
    }
  }

  private static Outbox sentAndFiring(NotifyConfig c, Alert a) {
    Outbox o = outbox(c);
    for (Receiver r : c.receivers()) {
      o.sent().add(new SentRecord(r.name(), a.fingerprint(), "firing", a.date(), "n", Kind.ALERTS, T0,
          SentRecord.Outcome.SENT));
    }
    o.firing().record(a);
    return o;
  }

  // ---- digests

  @Test
  void theDigestGoesOnceADayAtItsTimeWithEveryWatchedPackage() {
    NotifyConfig c = config(List.of(receiver("ops", null, LocalTime.of(8, 0)), receiver("chat")), List.of(),
        List.of("chat"), WAIT, Duration.ZERO, true, List.of(), RETRY);
    Outbox o = new Outbox(c, () -> List.of("pip", "numpy", "flask"));
    for (int i = 0; i < 14; i++) {
      o.series().record(new DownloadRecord("pip", Endpoint.OVERALL, Categories.WITHOUT_MIRRORS,
          DAY.minusDays(i + 1), 100 + i));
    }
    o.firing().record(firing("numpy"));
    Instant at = DAY.atTime(8, 0).toInstant(java.time.ZoneOffset.UTC);
    assertEquals(List.of(), o.due(at.minusSeconds(1)));
    List<Notification> due = o.due(at);
    assertEquals(1, due.size(), "no alerts needed; only ops has a digest");
    Notification d = due.get(0);
    assertEquals(Kind.DIGEST, d.kind());
    assertEquals("ops", d.receiver());
    assertEquals(DAY.minusDays(1), d.date(), "yesterday, the newest complete day");
    assertEquals(List.of("flask", "numpy", "pip"), d.digest().stream().map(DigestLine::packageName).toList());
    assertEquals(new DigestLine("numpy", -1, 0, Double.NaN, 1), d.digest().get(1));
    assertEquals(100, d.digest().get(2).lastDay());
    assertEquals(Set.of("pip"), d.series().keySet());
    assertEquals(List.of(), d.alerts());
    o.delivered(d.id(), at);
    assertEquals(List.of(), o.due(at.plus(Duration.ofHours(15))), "once a day");
    Notification tomorrow = o.due(at.plus(Duration.ofDays(1))).get(0);
    assertNotEquals(d.id(), tomorrow.id());
  }

  @Test
  void theDigestDayIsTheNewestKnownWhenTheDataLags() {
    NotifyConfig c = config(List.of(receiver("ops", null, LocalTime.of(1, 0))), List.of(), List.of(), WAIT,
        Duration.ZERO, true, List.of(), RETRY);
    Outbox o = new Outbox(c, () -> List.of("pip"));
    o.series().record(new DownloadRecord("pip", Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, DAY.minusDays(2), 5));
    assertEquals(DAY.minusDays(2), o.due(DAY.atTime(1, 0).toInstant(java.time.ZoneOffset.UTC)).get(0).date());
  }

  @Test
  void aDigestAlreadySentOrNotOwnedIsNotSent() {
    NotifyConfig c = config(List.of(receiver("ops", null, LocalTime.of(8, 0))), List.of(), List.of(), WAIT,
        Duration.ZERO, true, List.of(), RETRY);
    Instant at = DAY.atTime(9, 0).toInstant(java.time.ZoneOffset.UTC);
    Outbox sent = new Outbox(c, () -> List.of("pip"));
    sent.sent().add(new SentRecord("ops", SentRecord.ALL, SentRecord.DIGEST, DAY, "d", Kind.DIGEST, at,
        SentRecord.Outcome.SENT));
    assertEquals(List.of(), sent.due(at));
    Outbox notOwned = new Outbox(c, () -> List.of("pip"));
    notOwned.reassigned(fp -> true, false);
    assertEquals(List.of(), notOwned.due(at));
  }

  // ---- reassignment

  @Test
  void aReassignmentForgetsCollectingGroupsButKeepsFormedNotifications() {
    Outbox o = outbox(twoReceivers(Duration.ofDays(7)));
    o.read(firing("pip"), 0, 0, T0);
    Map<String, Notification> inFlight = byReceiver(o.due(T0.plus(WAIT)));
    o.read(firing("numpy"), 0, 1, T0.plus(WAIT));
    o.reassigned(fp -> true, true);
    assertEquals(Map.of(), o.firstOpen());
    assertEquals(2, o.pending(), "the two formed notifications; numpy's groups are forgotten");
    // Read again from the committed offset: pip waits for its notification, numpy collects anew.
    Instant t = T0.plus(WAIT).plusSeconds(1);
    o.read(firing("pip"), 0, 0, t);
    o.read(firing("numpy"), 0, 1, t);
    assertEquals(Map.of(0, 0L), o.firstOpen());
    inFlight.values().forEach(n -> o.delivered(n.id(), t));
    assertEquals(Map.of(0, 1L), o.firstOpen());
    List<Notification> next = o.due(t.plus(WAIT));
    assertEquals(List.of("numpy", "numpy"), next.stream().map(n -> n.alerts().get(0).packageName()).toList());
  }

  private static NotifyConfig oneReceiver() {
    return config(List.of(receiver("ops")), List.of(), List.of("ops"), WAIT, Duration.ZERO, true, List.of(), RETRY);
  }

  /** An outbox that read pip (partition 0) and numpy (on {@code numpyPartition}) and formed their notification. */
  private static Outbox formedPipAndNumpy(NotifyConfig c, int numpyPartition) {
    Outbox o = outbox(c);
    o.read(firing("pip"), 0, 0, T0);
    o.read(firing("numpy"), numpyPartition, 1, T0);
    o.form(T0.plus(WAIT));
    return o;
  }

  @Test
  void aNotificationFormedBeforeACrashIsFormedAgainWithTheSameTransitionsAndId() {
    NotifyConfig c = oneReceiver();
    Outbox before = formedPipAndNumpy(c, 0);
    List<SentRecord> formed = before.takeRecords();
    assertEquals(List.of(SentRecord.Outcome.FORMED, SentRecord.Outcome.FORMED),
        formed.stream().map(SentRecord::outcome).toList());
    Notification accepted = before.due(T0.plus(WAIT)).get(0);
    assertEquals(accepted.id(), formed.get(0).notificationId());
    // The receiver accepts it; the process dies before its sent records commit. After the restart the
    // sent topic holds the formed records, and a new transition arrived among the two read again.
    Outbox after = outbox(c);
    formed.forEach(after.sent()::add);
    assertTrue(after.sent().formedIn(formed.get(0).key()).isPresent());
    Instant t = T0.plusSeconds(600);
    after.read(firing("pip"), 0, 0, t);
    after.read(firing("flask"), 0, 1, t);
    assertEquals(List.of(), after.due(t), "one member is still to be read again: nothing formed yet");
    after.read(firing("numpy"), 0, 2, t);
    List<Notification> again = after.due(t);
    assertEquals(1, again.size(), "formed at once, without a new group-wait");
    assertEquals(accepted.id(), again.get(0).id(), "the same id: the receiver drops the resend");
    assertEquals(accepted.alerts(), again.get(0).alerts());
    after.delivered(again.get(0).id(), t);
    assertTrue(after.sent().formedIn(formed.get(0).key()).isEmpty(), "the outcome replaces the formed record");
    List<Notification> newcomer = after.due(t.plus(WAIT));
    assertEquals(List.of("flask"), newcomer.get(0).alerts().stream().map(Alert::packageName).toList());
  }

  @Test
  void aFormedNotificationWhoseMemberIsNotReadAgainGoesOutAfterGroupWaitWithTheOthers() {
    NotifyConfig c = oneReceiver();
    Outbox before = formedPipAndNumpy(c, 1);
    Outbox after = outbox(c);
    before.takeRecords().forEach(after.sent()::add);
    Instant t = T0.plusSeconds(600);
    after.read(firing("pip"), 0, 0, t); // numpy's partition went to another instance
    assertEquals(List.of(), after.due(t.plus(WAIT).minusSeconds(1)));
    List<Notification> late = after.due(t.plus(WAIT));
    assertEquals(List.of("pip"), late.get(0).alerts().stream().map(Alert::packageName).toList());
  }

  private static Map<String, Notification> byReceiver(List<Notification> ns) {
    Map<String, Notification> m = new java.util.LinkedHashMap<>();
    ns.forEach(n -> m.put(n.receiver(), n));
    return m;
  }
}

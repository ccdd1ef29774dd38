package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig.Receiver;
import dev.pypiwatch.config.NotifyConfig.Retry;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec.LazyAlert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.Silence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The notifier's decisions, without Kafka or Vert.x: which alert transitions go to which receiver,
 * when a receiver's collected transitions go out as one message, reminders, daily digests,
 * retries, dead letters, and which read alerts are finished (so their offsets may be committed).
 * Time is always passed in. Not thread-safe: one stream thread owns it.
 *
 * <p>A transition is sent at most once per receiver: its {@link SentRecord#key key} is skipped once
 * it is in the {@link SentLog} (delivered or dead-lettered) or planned (collecting or queued).
 * Each receiver has its own queue; only its head is attempted, so a receiver in back-off holds up
 * no other. A read alert stays <em>open</em> until every key it was routed to is in the sent log:
 * {@link #firstOpen()} is where its partition may be committed up to.
 *
 * <h3>Silences</h3>
 *
 * A firing a silence matches when it is read is <em>held back</em>: recorded per receiver (outcome
 * {@code silenced}, {@link #takeRecords()}) instead of sent. When no silence holds it any more (its
 * end passed, it was expired, or the alert it waited for resolved) and it still fires, it is sent at
 * once, not at the next reminder. A resolution goes to a receiver exactly when that receiver got
 * (or is getting) the firing it ends: silences at the time of the resolution do not stop it (it
 * closes what the receiver believes is firing), and the resolution of a firing held back is not
 * sent either. A resolution ends the until-resolved silences of its fingerprint ({@link
 * #takeEndedSilences()}).
 */
public final class Outbox {
  /** A group this big goes out without waiting for the rest of its group-wait; bigger ones are split. */
  public static final int MAX_ALERTS = 100;

  private static final Comparator<Alert> ORDER = Comparator.comparing(Alert::severity).reversed()
      .thenComparing(Alert::packageName).thenComparing(Alert::fingerprint).thenComparing(Alert::date)
      .thenComparing(Alert::state);

  private final NotifyConfig config;
  private final Router router;
  private final SilenceSet silences;
  private final Supplier<? extends Collection<String>> watched;
  private final SentLog sent = new SentLog();
  private final RecentSeriesStore series = new RecentSeriesStore();
  private final FiringAlerts firing = new FiringAlerts();
  private final List<Receiver> digestReceivers;
  private Predicate<String> ownsFingerprint = fp -> true;
  private boolean ownsDigests = true;

  // Transitions collecting per receiver, in arrival order.
  private final Map<String, Group> groups = new LinkedHashMap<>();
  // Formed notifications per receiver; the head is the one attempted.
  private final Map<String, Deque<Planned>> queues = new LinkedHashMap<>();
  private final Map<String, Planned> byId = new HashMap<>();
  // Keys collecting or queued: not planned again.
  private final Set<String> planned = new HashSet<>();
  // receiver|fingerprint -> day of the firing last planned for it (still planned if its key is).
  private final Map<String, LocalDate> plannedFirings = new HashMap<>();
  // Held-back firings and ended silences, for the stream to publish.
  private final List<SentRecord> records = new ArrayList<>();
  private final List<Silence> endedSilences = new ArrayList<>();
  private long history;
  // The instant isHistory last worked out the first day of news for, and that day.
  private Instant historyAt;
  private LocalDate historyBefore;
  // Transitions collected into groups so far: a change says the charts of a notification to come are wanted.
  private long collected;
  // Read alerts waiting for keys: key -> their positions; partition -> offset -> keys missing.
  private final Map<String, Set<Position>> waiting = new HashMap<>();
  private final Map<Integer, TreeMap<Long, Integer>> open = new HashMap<>();
  // The walks of the firing set (held-back firings, reminders) look at every firing alert only when time, the
  // day, the silences or the ownership may have made one due (walkAll: the first instant something may become due
  // by time alone); otherwise only at the fingerprints whose state or sent records changed since the last walk.
  private Instant walkAll = Instant.MIN;
  private LocalDate walkedDay;
  private long walkedSilences = -1;
  // The firing set lags behind the alerts topic (a catch-up): what it says firing may have resolved since.
  private boolean firingBehind;

  /**
   * An empty outbox of {@code config}; {@code watched} names the packages of the daily digest.
   *
   * @throws IllegalArgumentException if a route names an unknown receiver
   */
  public Outbox(NotifyConfig config, Supplier<? extends Collection<String>> watched) {
    this(config, watched, Instant.EPOCH);
  }

  /**
   * The same, its configured silences without starts-at in effect from {@code loadedAt}.
   *
   * @throws IllegalArgumentException if a route names an unknown receiver
   */
  public Outbox(NotifyConfig config, Supplier<? extends Collection<String>> watched, Instant loadedAt) {
    this.config = Objects.requireNonNull(config, "config");
    this.silences = new SilenceSet(config, loadedAt);
    this.router = new Router(config, silences);
    this.watched = Objects.requireNonNull(watched, "watched");
    this.digestReceivers = config.receivers().stream().filter(r -> r.dailyDigestAt() != null).toList();
  }

  /** What was sent: fill it from the sent topic before reading alerts. */
  public SentLog sent() {
    return sent;
  }

  /** The downloads of the charts and digests: fill it from the downloads topic. */
  public RecentSeriesStore series() {
    return series;
  }

  /**
   * The alerts firing now, for reminders and digests: fill it from the whole alerts topic, and say
   * when it lags ({@link #firingBehind}).
   */
  public FiringAlerts firing() {
    return firing;
  }

  /** The silences obeyed: the configured ones; fill it from the silences topic. */
  public SilenceSet silences() {
    return silences;
  }

  /**
   * The records made since the last call, to persist with the offsets: held back (outcome
   * silenced), and formed (outcome formed: persisted before the notification's first attempt).
   */
  public List<SentRecord> takeRecords() {
    List<SentRecord> out = List.copyOf(records);
    records.clear();
    return out;
  }

  /** The until-resolved silences that resolutions ended since the last call, to publish. */
  public List<Silence> takeEndedSilences() {
    List<Silence> out = List.copyOf(endedSilences);
    endedSilences.clear();
    return out;
  }

  /**
   * Takes transition {@code a}, read at {@code at} from {@code offset} of {@code partition}: each
   * receiver it is routed to (silences as of {@code at}) collects it unless that key was sent or is
   * planned already. The alert stays open until all those keys are sent.
   *
   * <p>History is not news: a firing whose day is more than {@code max-alert-age} before {@code
   * at}'s day is not sent (a first start's backfill, a new package's, a catch-up after an outage),
   * nor is its resolution (it would announce the end of something the receiver never heard of). An
   * old resolution is sent to a receiver that was sent a transition of its alert, though: it
   * closes what that receiver believes is still firing. What is not sent is counted in {@link
   * #history()}.
   *
   * @return true if {@code a} is a firing newly planned for at least one receiver (it will be sent)
   */
  public boolean read(Alert a, int partition, long offset, Instant at) {
    return read(LazyAlert.of(a), partition, offset, at);
  }

  /**
   * As {@link #read(Alert, int, long, Instant)}, {@code lazy} decoded past its head only if needed:
   * a firing that is history is counted from its head alone.
   */
  public boolean read(LazyAlert lazy, int partition, long offset, Instant at) {
    if (lazy.state() == AlertState.FIRING && isHistory(lazy.date(), at)) {
      history++;
      // Its resolution is history too: noted on the firing set's entry (one map per fingerprint, not two).
      firing.historyFiring(lazy.fingerprint(), true);
      return false;
    }
    Alert a = lazy.alert(); // news, or a resolution: decoded whole
    boolean old = isHistory(a.date(), at);
    if (a.state() == AlertState.FIRING) {
      firing.historyFiring(a.fingerprint(), false);
    } else {
      endedSilences.addAll(silences.resolved(a, at));
      if (firing.historyFiring(a.fingerprint(), false)) {
        history++;
        return false;
      }
    }
    if (a.state() == AlertState.FIRING) {
      Optional<Silence> muting = silences.muting(a, at);
      if (muting.isPresent()) {
        holdBack(a, muting.get(), at);
        return false;
      }
    }
    boolean plannedFiring = false;
    Position pos = new Position(partition, offset);
    boolean skippedAsOld = false;
    boolean routed = false;
    for (String receiver : router.route(a, at)) {
      String key = SentRecord.key(receiver, a);
      if (a.state() == AlertState.RESOLVED && !sent.contains(key) && !planned.contains(key)
          && !heardFiring(receiver, a)) {
        skippedAsOld |= old; // an old end of something this receiver was never told of is history
        continue; // it closes nothing this receiver believes: its firing was held back or never sent
      }
      routed = true;
      if (sent.contains(key)) {
        continue;
      }
      if (planned.add(key)) {
        // A transition formed into a notification before a crash goes back into that notification.
        String formed = sent.formedIn(key).orElse(null);
        String group = formed == null ? receiver : receiver + '|' + formed;
        groups.computeIfAbsent(group, g -> new Group(receiver, at, formed == null ? Set.of() : sent.formedKeys(formed)))
            .alerts.put(key, a);
        collected++;
        if (a.state() == AlertState.FIRING) {
          plannedFirings.put(receiver + '|' + a.fingerprint(), a.date());
          plannedFiring = true;
        }
      }
      if (waiting.computeIfAbsent(key, k -> new HashSet<>()).add(pos)) {
        open.computeIfAbsent(partition, p -> new TreeMap<>()).merge(offset, 1, Integer::sum);
      }
    }
    if (skippedAsOld && !routed) {
      history++;
    }
    return plannedFiring;
  }

  /** Records, for each receiver firing {@code a} would go to, that {@code silence} held it back. */
  private void holdBack(Alert a, Silence silence, Instant at) {
    for (String receiver : router.routeIgnoringSilences(a)) {
      String key = SentRecord.key(receiver, a);
      if (sent.contains(key) || sent.heldBack(key) || planned.contains(key)) {
        continue;
      }
      SentRecord r = new SentRecord(receiver, a.fingerprint(), a.state().wire(), a.date(), silence.id(),
          Notification.Kind.ALERTS, at, SentRecord.Outcome.SILENCED);
      sent.add(r);
      records.add(r);
    }
  }

  /**
   * True if {@code receiver} got, or is getting, the firing that resolution {@code a} ends: the
   * newest transition it was sent of that fingerprint is a firing (not one held back or given up on).
   */
  private boolean heardFiring(String receiver, Alert a) {
    LocalDate plannedDay = plannedFirings.get(receiver + '|' + a.fingerprint());
    if (plannedDay != null && !plannedDay.isAfter(a.date())
        && planned.contains(SentRecord.key(receiver, a.fingerprint(), AlertState.FIRING.wire(), plannedDay))) {
      return true;
    }
    return sent.lastTransition(receiver, a.fingerprint())
        .filter(r -> r.what().equals(AlertState.FIRING.wire()) && r.outcome() == SentRecord.Outcome.SENT
            && !r.date().isAfter(a.date()))
        .isPresent();
  }

  /**
   * Transitions read but not sent as history, so far: older than {@code max-alert-age}, or the
   * resolution of such a firing.
   */
  public long history() {
    return history;
  }

  /**
   * How many transitions were collected into groups so far (each will be part of a notification):
   * the stream catches the charts' downloads up only when this moved.
   */
  public long collected() {
    return collected;
  }

  /**
   * Whether {@link #read reading} {@code a} at {@code at} needs the silences as of {@code at}: every
   * transition but a firing that is history (which is counted and dropped before any silence or
   * route is looked at). A resolution does even when history: it ends its until-resolved silences.
   */
  public boolean needsSilences(Alert a, Instant at) {
    return needsSilences(LazyAlert.of(a), at);
  }

  /** As {@link #needsSilences(Alert, Instant)}, from the alert's head. */
  public boolean needsSilences(LazyAlert a, Instant at) {
    return a.state() != AlertState.FIRING || !isHistory(a.date(), at);
  }

  /** True if a transition of {@code date} is history at {@code at} ({@link Alert#isHistory}). */
  private boolean isHistory(LocalDate date, Instant at) {
    if (!at.equals(historyAt)) { // a batch is read at one instant: its day is worked out once
      historyAt = at;
      historyBefore = Alert.firstDayOfNews(LocalDate.ofInstant(at, ZoneOffset.UTC), config.maxAlertAge());
    }
    return date.isBefore(historyBefore);
  }

  /**
   * Forms what is due at {@code now} (groups past their group-wait or full, reminders, digests) and
   * returns the notifications to attempt now: the head of each receiver's queue unless it is in
   * flight or waiting for its back-off. Each stays in flight until {@link #delivered} or {@link
   * #failed}.
   */
  public List<Notification> due(Instant now) {
    form(now);
    List<Notification> attempts = new ArrayList<>();
    for (Planned head : heads(now)) {
      head.inFlight = true;
      head.attempts++;
      attempts.add(head.notification);
    }
    return attempts;
  }

  /** What {@link #due} would attempt at {@code now} of what is formed, without attempting it. */
  public List<Notification> attemptable(Instant now) {
    return heads(now).stream().map(p -> p.notification).toList();
  }

  private List<Planned> heads(Instant now) {
    List<Planned> heads = new ArrayList<>();
    for (Deque<Planned> q : queues.values()) {
      Planned head = q.peekFirst();
      if (head != null && !head.inFlight && !now.isBefore(head.notBefore)) {
        heads.add(head);
      }
    }
    return heads;
  }

  /**
   * Forms what is due at {@code now} (groups past their group-wait or full, reminders, digests)
   * without attempting anything: the caller persists {@link #takeRecords()} first, then asks {@link
   * #due}. Forming again at the same instant forms nothing more.
   */
  public void form(Instant now) {
    // A walk that cannot form anything is skipped: no firing held back, or none sent to remind of. Nothing is
    // formed from the firing set while it lags (firingBehind): it waits for the resolutions still unread.
    boolean heldBackWalk = !firingBehind && sent.anyHeldBack();
    boolean reminderWalk = !firingBehind && !config.repeatInterval().isZero() && sent.anySent();
    List<Alert> candidates = firingBehind ? List.of() : candidates(now, heldBackWalk || reminderWalk);
    if (heldBackWalk) {
      formHeldBack(candidates, now);
    }
    formGroups(now);
    if (reminderWalk) {
      formReminders(candidates, now);
    }
    if (ownsDigests && !firingBehind) {
      formDigests(now);
    }
  }

  /**
   * Whether the {@link #firing() firing set} lags behind the alerts topic (it has not taken the
   * transitions published up to some recent point yet, as in a catch-up): while it does, {@link
   * #form} forms no reminder, held-back firing or digest from it (one could be of a firing whose
   * resolution is still unread); once it no longer does, the next walk looks at every firing alert.
   */
  public void firingBehind(boolean behind) {
    if (firingBehind && !behind) {
      walkAll = Instant.MIN;
    }
    firingBehind = behind;
  }

  /** The in-flight notification {@code id} was accepted: its sent records, to persist. */
  public List<SentRecord> delivered(String id, Instant now) {
    return finish(inFlight(id), SentRecord.Outcome.SENT, now);
  }

  /**
   * The in-flight notification {@code id} failed with {@code error}: it is retried after a back-off
   * (the receiver's Retry-After when it gave one) while attempts remain and the error is retryable
   * (a {@link DeliveryException} says; anything else is), else dead-lettered.
   */
  public Failure failed(String id, Throwable error, Instant now) {
    Planned p = inFlight(id);
    Throwable cause = unwrap(error);
    String message = cause instanceof DeliveryException ? cause.getMessage() : cause.toString();
    boolean retryable = !(cause instanceof DeliveryException d) || d.retryable();
    if (retryable && config.retry().policy().allowsAnotherAfter(p.attempts)) {
      Duration wait = cause instanceof DeliveryException d && d.retryAfter().isPresent()
          ? d.retryAfter().get() : config.retry().policy().backoff(p.attempts);
      p.inFlight = false;
      p.notBefore = now.plus(wait);
      return new Retrying(p.notification, p.attempts, message, wait);
    }
    return new DeadLettered(p.notification, p.attempts, message,
        finish(p, SentRecord.Outcome.DEAD_LETTERED, now));
  }

  /** The result of a failed attempt. */
  public sealed interface Failure permits Retrying, DeadLettered {
    /** The notification attempted. */
    Notification notification();

    /** Attempts made so far. */
    int attempts();

    /** What went wrong (no secrets: the channel's message). */
    String error();
  }

  /** It is attempted again after {@code delay}. */
  public record Retrying(Notification notification, int attempts, String error, Duration delay)
      implements Failure {}

  /** It was given up on: {@code records} (outcome dead-lettered) go to the sent topic. */
  public record DeadLettered(Notification notification, int attempts, String error,
      List<SentRecord> records) implements Failure {}

  /**
   * The lowest offset of each partition with an open alert: the group may commit no further (a
   * partition without open alerts may be committed up to the consumer's position).
   */
  public Map<Integer, Long> firstOpen() {
    Map<Integer, Long> first = new HashMap<>();
    open.forEach((p, offsets) -> {
      if (!offsets.isEmpty()) {
        first.put(p, offsets.firstKey());
      }
    });
    return first;
  }

  /**
   * The partitions were (re)assigned: collecting groups and open alerts are forgotten (they are read
   * again from the committed offsets); notifications already formed stay queued. From now on,
   * reminders are formed only for fingerprints {@code ownsFingerprint} accepts, digests only if
   * {@code ownsDigests} (one instance of the group sends them).
   */
  public void reassigned(Predicate<String> ownsFingerprint, boolean ownsDigests) {
    this.ownsFingerprint = Objects.requireNonNull(ownsFingerprint, "ownsFingerprint");
    this.ownsDigests = ownsDigests;
    walkAll = Instant.MIN;
    groups.values().forEach(g -> planned.removeAll(g.alerts.keySet()));
    groups.clear();
    waiting.clear();
    open.clear();
  }

  /** Groups collecting plus notifications queued, in flight or waiting to be retried. */
  public int pending() {
    int n = groups.size();
    for (Deque<Planned> q : queues.values()) {
      n += q.size();
    }
    return n;
  }

  /**
   * The id of receiver's notification of {@code keys} (the sent keys without the receiver): a
   * UUID v5 of them sorted, so the same content gets the same id after a restart.
   */
  static String id(String receiver, Collection<String> keys) {
    return Ids.uuid5("notification|" + receiver + "|" + String.join(",", new TreeSet<>(keys)))
        .toString();
  }

  /**
   * Forms the groups past their group-wait or full into notifications. A group re-forming a
   * notification formed before a crash is due once all its transitions are read again (it keeps its
   * id), or after the group-wait with those that were. Each alert notification formed yields {@link
   * SentRecord.Outcome#FORMED formed} records (in {@link #takeRecords()}), to be persisted before
   * its first attempt.
   */
  private void formGroups(Instant now) {
    var it = groups.values().iterator();
    while (it.hasNext()) {
      Group g = it.next();
      boolean reformed = !g.formed.isEmpty() && g.alerts.keySet().containsAll(g.formed);
      if (!reformed && g.alerts.size() < MAX_ALERTS && now.isBefore(g.first.plus(config.groupWait()))) {
        continue;
      }
      it.remove();
      List<Alert> alerts = new ArrayList<>(g.alerts.values());
      for (int from = 0; from < alerts.size(); from += MAX_ALERTS) {
        List<Alert> chunk = alerts.subList(from, Math.min(alerts.size(), from + MAX_ALERTS));
        List<Item> items = chunk.stream().map(a -> new Item(a.fingerprint(), a.state().wire(), a.date())).toList();
        Notification n = enqueue(g.receiver, Notification.Kind.ALERTS, chunk, items, null, null);
        for (Item i : items) {
          SentRecord r = new SentRecord(g.receiver, i.subject, i.what, i.date, n.id(), n.kind(), now,
              SentRecord.Outcome.FORMED);
          sent.add(r);
          records.add(r);
        }
      }
    }
  }

  /**
   * Sends at once the firings held back by a silence that no longer holds them (its end passed, it
   * was expired or its alert resolved) and that still fire: the receiver hears them now, not at the
   * next reminder. Like reminders, only for the fingerprints this instance owns.
   */
  private void formHeldBack(List<Alert> candidates, Instant now) {
    Map<String, List<Alert>> due = heldBackDue(candidates, now);
    if (due.isEmpty()) {
      return;
    }
    // Walked again in ORDER (rarely: something is due): chunks, and the receivers' order, as always.
    candidates.sort(ORDER);
    heldBackDue(candidates, now).forEach((receiver, sorted) -> {
      for (int from = 0; from < sorted.size(); from += MAX_ALERTS) {
        List<Alert> chunk = sorted.subList(from, Math.min(sorted.size(), from + MAX_ALERTS));
        List<Item> items = chunk.stream().map(a -> new Item(a.fingerprint(), a.state().wire(), a.date())).toList();
        enqueue(receiver, Notification.Kind.ALERTS, chunk, items, null, null);
        chunk.forEach(a -> plannedFirings.put(receiver + '|' + a.fingerprint(), a.date()));
      }
    });
  }

  /**
   * The owned firing alerts, in no particular order (a walk that finds something due sorts them), that the walks look at: all of them if {@link
   * #walkAll} passed, the day changed or a silence was taken in since the last full walk, else those
   * whose state or sent records changed since the last walk (nothing else can have made one due).
   * Without {@code walked} (no walk can form anything) the walk's state moves on as if, and none are
   * listed.
   */
  private List<Alert> candidates(Instant now, boolean walked) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    boolean all = !now.isBefore(walkAll) || !today.equals(walkedDay) || silences.version() != walkedSilences;
    if (all) {
      walkAll = silences.nextChange(now); // formReminders brings it forward to the next reminder's time
      walkedDay = today;
      walkedSilences = silences.version();
    }
    if (!walked) {
      firing.dropTouched();
      sent.takeTouched();
      return List.of();
    }
    Set<String> changed = new HashSet<>(firing.takeTouched());
    Set<String> sentChanged = sent.takeTouched();
    List<Alert> walk = new ArrayList<>();
    if (all) {
      for (Alert a : firing.firing()) {
        if (ownsFingerprint.test(a.fingerprint())) {
          walk.add(a);
        }
      }
      return walk;
    }
    changed.addAll(sentChanged);
    for (String fp : changed) {
      Alert a = firing.firingNow(fp);
      if (a != null && ownsFingerprint.test(fp)) {
        walk.add(a);
      }
    }
    return walk;
  }

  /** The held-back firings among {@code candidates} no silence holds any more, per receiver, in their order. */
  private Map<String, List<Alert>> heldBackDue(List<Alert> candidates, Instant now) {
    Map<String, List<Alert>> due = new LinkedHashMap<>();
    for (Alert a : candidates) {
      for (String receiver : router.route(a, now)) {
        String key = SentRecord.key(receiver, a);
        if (sent.heldBack(key) && !planned.contains(key)) {
          due.computeIfAbsent(receiver, r -> new ArrayList<>()).add(a);
        }
      }
    }
    return due;
  }

  private void formReminders(List<Alert> candidates, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Map<String, List<Alert>> due = remindersDue(candidates, now, today);
    if (due.isEmpty()) {
      return;
    }
    candidates.sort(ORDER); // as in formHeldBack
    remindersDue(candidates, now, today).forEach((receiver, alerts) -> {
      for (int from = 0; from < alerts.size(); from += MAX_ALERTS) {
        List<Alert> chunk = alerts.subList(from, Math.min(alerts.size(), from + MAX_ALERTS));
        List<Item> items = chunk.stream().map(a -> new Item(a.fingerprint(), SentRecord.REMINDER, today)).toList();
        enqueue(receiver, Notification.Kind.REMINDER, chunk, items, null, null);
      }
    });
  }

  /**
   * The reminders due among {@code candidates}, per receiver, in their order; brings {@link #walkAll}
   * forward to the next one's time.
   */
  private Map<String, List<Alert>> remindersDue(List<Alert> candidates, Instant now, LocalDate today) {
    Map<String, List<Alert>> due = new LinkedHashMap<>();
    for (Alert a : candidates) {
      for (String receiver : router.route(a, now)) {
        // Reminders repeat what the receiver was sent, never announce a transition it was not.
        boolean told = sent.get(SentRecord.key(receiver, a))
            .filter(r -> r.outcome() == SentRecord.Outcome.SENT).isPresent();
        String key = SentRecord.reminderKey(receiver, a.fingerprint(), today);
        if (!told || sent.contains(key) || planned.contains(key)) {
          continue;
        }
        Instant at = sent.lastSent(receiver, a.fingerprint()).orElseThrow().plus(config.repeatInterval());
        if (!now.isBefore(at)) {
          due.computeIfAbsent(receiver, r -> new ArrayList<>()).add(a);
        } else if (at.isBefore(walkAll)) {
          walkAll = at;
        }
      }
    }
    return due;
  }

  private void formDigests(Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (Receiver r : digestReceivers) {
      String key = SentRecord.digestKey(r.name(), today);
      if (now.isBefore(today.atTime(r.dailyDigestAt()).toInstant(ZoneOffset.UTC))
          || sent.contains(key) || planned.contains(key)) {
        continue; // only today's: a digest missed while down is not sent late the next day
      }
      List<String> packages = new TreeSet<>(watched.get()).stream().toList();
      LocalDate day = digestDay(packages, today);
      List<DigestLine> lines = packages.stream().map(p -> series.line(p, day, firing.count(p))).toList();
      enqueue(r.name(), Notification.Kind.DIGEST, List.of(),
          List.of(new Item(SentRecord.ALL, SentRecord.DIGEST, today)), day, lines);
    }
  }

  /** The newest day the digest can report: yesterday, or the newest day known if the data lags. */
  private LocalDate digestDay(List<String> packages, LocalDate today) {
    LocalDate yesterday = today.minusDays(1);
    return packages.stream().map(series::newest).flatMap(Optional::stream)
        .map(d -> d.isAfter(yesterday) ? yesterday : d)
        .max(Comparator.naturalOrder()).orElse(yesterday);
  }

  private Notification enqueue(String receiver, Notification.Kind kind, List<Alert> alerts, List<Item> items,
      LocalDate digestDay, List<DigestLine> digest) {
    List<String> keys = items.stream().map(i -> i.key(receiver)).toList();
    List<Alert> sorted = alerts.stream().sorted(ORDER).toList();
    Map<String, RecentSeries> charts = new HashMap<>();
    Collection<String> mentioned = kind == Notification.Kind.DIGEST
        ? digest.stream().map(DigestLine::packageName).toList()
        : sorted.stream().map(Alert::packageName).distinct().toList();
    mentioned.forEach(p -> series.series(p).ifPresent(s -> charts.put(p, s)));
    LocalDate date = digestDay != null ? digestDay
        : sorted.stream().map(Alert::date).max(Comparator.naturalOrder()).orElseThrow();
    Notification n = new Notification(id(receiver, items.stream().map(Item::name).toList()), receiver, kind, date, sorted, charts,
        digest == null ? List.of() : digest);
    Planned p = new Planned(n, items);
    queues.computeIfAbsent(receiver, r -> new ArrayDeque<>()).addLast(p);
    byId.put(n.id(), p);
    planned.addAll(keys);
    return n;
  }

  private List<SentRecord> finish(Planned p, SentRecord.Outcome outcome, Instant now) {
    Notification n = p.notification;
    queues.get(n.receiver()).removeFirst();
    byId.remove(n.id());
    List<SentRecord> records = new ArrayList<>();
    for (Item i : p.items) {
      SentRecord r = new SentRecord(n.receiver(), i.subject, i.what, i.date, n.id(), n.kind(), now, outcome);
      records.add(r);
      sent.add(r);
      planned.remove(r.key());
      release(r.key());
    }
    return records;
  }

  /** {@code key} is in the sent log: the alerts waiting for it wait for one key less. */
  private void release(String key) {
    Set<Position> positions = waiting.remove(key);
    if (positions == null) {
      return;
    }
    for (Position pos : positions) {
      TreeMap<Long, Integer> offsets = open.get(pos.partition);
      offsets.computeIfPresent(pos.offset, (o, n) -> n == 1 ? null : n - 1);
    }
  }

  private Planned inFlight(String id) {
    Planned p = byId.get(id);
    if (p == null || !p.inFlight) {
      throw new IllegalStateException("notification " + id + " is not in flight");
    }
    return p;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private record Position(int partition, long offset) {}

  /** One sent key of a notification, without the receiver. */
  private record Item(String subject, String what, LocalDate date) {
    String key(String receiver) {
      return SentRecord.key(receiver, subject, what, date);
    }

    String name() {
      return subject + '|' + what + '|' + date;
    }
  }

  private static final class Group {
    final String receiver;
    final Instant first;
    /** The keys of the notification this group forms again (formed before a crash); empty for a new one. */
    final Set<String> formed;
    final Map<String, Alert> alerts = new LinkedHashMap<>();

    Group(String receiver, Instant first, Set<String> formed) {
      this.receiver = receiver;
      this.first = first;
      this.formed = formed;
    }
  }

  private static final class Planned {
    final Notification notification;
    final List<Item> items;
    int attempts;
    boolean inFlight;
    Instant notBefore = Instant.MIN;

    Planned(Notification notification, List<Item> items) {
      this.notification = notification;
      this.items = items;
    }
  }
}

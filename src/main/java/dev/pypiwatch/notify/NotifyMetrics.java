package dev.pypiwatch.notify;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the notifier, per receiver where it matters, read by the {@code /metrics} endpoint.
 * Written by the notifier's thread, read from any thread.
 */
public final class NotifyMetrics {
  private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> failedAttempts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> deadLettered = new ConcurrentHashMap<>();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong history = new AtomicLong();
  // -1: not started (or disabled), 1: its loop runs, 0: its loop ended with an error.
  private final AtomicLong up = new AtomicLong(-1);

  /** Counters at zero for each of {@code receivers}, so every series exists before its first event. */
  public NotifyMetrics(Collection<String> receivers) {
    receivers.forEach(r -> {
      sent.put(r, new AtomicLong());
      failedAttempts.put(r, new AtomicLong());
      deadLettered.put(r, new AtomicLong());
    });
  }

  /** A notification was accepted by {@code receiver}. */
  public void sent(String receiver) {
    counter(sent, receiver).incrementAndGet();
  }

  /** An attempt to deliver to {@code receiver} failed (retried or not). */
  public void failedAttempt(String receiver) {
    counter(failedAttempts, receiver).incrementAndGet();
  }

  /** A notification for {@code receiver} went to the dead-letter topic. */
  public void deadLettered(String receiver) {
    counter(deadLettered, receiver).incrementAndGet();
  }

  /** Groups collecting plus notifications not yet delivered or dead-lettered. */
  public void pending(int n) {
    pending.set(n);
  }

  /** A record of the alerts topic could not be decoded and was skipped. */
  public void undecodable() {
    undecodable.incrementAndGet();
  }

  /** So many transitions were read but not sent as history (older than {@code notify.max-alert-age}). */
  public void history(long total) {
    history.set(total);
  }

  /** The notifier's loop started (true) or ended with an error (false). */
  public void running(boolean running) {
    up.set(running ? 1 : 0);
  }

  /** False only when the notifier's loop ended with an error: nothing is sent until a restart. */
  public boolean healthy() {
    return up.get() != 0;
  }

  /** Notifications {@code receiver} accepted so far. */
  public long sentTo(String receiver) {
    return counter(sent, receiver).get();
  }

  /** Failed attempts to {@code receiver} so far. */
  public long failedAttemptsTo(String receiver) {
    return counter(failedAttempts, receiver).get();
  }

  /** Notifications for {@code receiver} dead-lettered so far. */
  public long deadLetteredFor(String receiver) {
    return counter(deadLettered, receiver).get();
  }

  /**
   * Every figure by its metric name, labelled ones as {@code name{receiver="ops"}}, a family's
   * series together, in a stable order; counters end in {@code _total}.
   */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    labelled(m, "pypiwatch_notifications_sent_total", sent);
    labelled(m, "pypiwatch_notifications_failed_attempts_total", failedAttempts);
    labelled(m, "pypiwatch_notifications_dead_lettered_total", deadLettered);
    m.put("pypiwatch_notifications_pending", pending.get());
    m.put("pypiwatch_notifier_undecodable_alerts_total", undecodable.get());
    m.put("pypiwatch_notifications_history_total", history.get());
    m.put("pypiwatch_notifier_up", up.get());
    return m;
  }

  private static void labelled(Map<String, Long> out, String family, Map<String, AtomicLong> byReceiver) {
    new TreeMap<>(byReceiver).forEach((r, n) -> out.put(family + "{receiver=\"" + escape(r) + "\"}", n.get()));
  }

  /** A label value as the exposition format wants it: backslash, quote and newline escaped. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static AtomicLong counter(Map<String, AtomicLong> m, String receiver) {
    return m.computeIfAbsent(receiver, r -> new AtomicLong());
  }
}

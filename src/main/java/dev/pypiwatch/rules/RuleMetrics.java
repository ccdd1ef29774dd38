package dev.pypiwatch.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the rule verticle's stream, read by the {@code /metrics} endpoint. Written by the
 * stream thread, read from any thread.
 */
public final class RuleMetrics {
  private final AtomicLong recordsConsumed = new AtomicLong();
  private final AtomicLong undecodableRecords = new AtomicLong();
  private final AtomicLong alertsPublished = new AtomicLong();
  private final AtomicLong transactionsCommitted = new AtomicLong();
  private final AtomicLong transactionsAborted = new AtomicLong();
  private final AtomicLong rebuilds = new AtomicLong();
  private final AtomicLong partitionsRestored = new AtomicLong();
  private final AtomicLong recordsReplayed = new AtomicLong();
  private final AtomicLong assignedPartitions = new AtomicLong();
  // -1: not started (or disabled), 1: its loop runs, 0: its loop ended with an error.
  private final AtomicLong up = new AtomicLong(-1);

  /** The stream's loop started (true) or ended with an error (false). */
  public void running(boolean running) {
    up.set(running ? 1 : 0);
  }

  /** False only when the stream's loop ended with an error: alerts stop until a restart. */
  public boolean healthy() {
    return up.get() != 0;
  }

  /** {@code n} download records were read from the topic (decodable or not). */
  public void consumed(int n) {
    recordsConsumed.addAndGet(n);
  }

  /** A record could not be decoded and was skipped. */
  public void undecodable() {
    undecodableRecords.incrementAndGet();
  }

  /** A transaction with {@code alerts} alerts and the consumed offsets committed. */
  public void committed(int alerts) {
    transactionsCommitted.incrementAndGet();
    alertsPublished.addAndGet(alerts);
  }

  /** A transaction was aborted (its alerts are invisible to read_committed consumers). */
  public void aborted() {
    transactionsAborted.incrementAndGet();
  }

  /** The engine was rebuilt for {@code partitions} assigned partitions. */
  public void rebuilt(int partitions) {
    rebuilds.incrementAndGet();
    assignedPartitions.set(partitions);
  }

  /**
   * A rebuild took {@code restored} partitions from the rule-state changelog and replayed {@code
   * replayed} download records for the others.
   */
  public void rebuiltFrom(int restored, long replayed) {
    partitionsRestored.addAndGet(restored);
    recordsReplayed.addAndGet(replayed);
  }

  /** Partitions whose rule state rebuilds took from the changelog, so far. */
  public long partitionsRestored() {
    return partitionsRestored.get();
  }

  /** Download records replayed by rebuilds so far. */
  public long recordsReplayed() {
    return recordsReplayed.get();
  }

  /** Records consumed so far. */
  public long recordsConsumed() {
    return recordsConsumed.get();
  }

  /** Alerts published (committed) so far. */
  public long alertsPublished() {
    return alertsPublished.get();
  }

  /** Partitions of the downloads topic assigned at the last rebuild. */
  public long assignedPartitions() {
    return assignedPartitions.get();
  }

  /** Every figure by its metric name, in a stable order; counters end in {@code _total}. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pypiwatch_rule_records_consumed_total", recordsConsumed.get());
    m.put("pypiwatch_rule_undecodable_records_total", undecodableRecords.get());
    m.put("pypiwatch_alerts_published_total", alertsPublished.get());
    m.put("pypiwatch_rule_transactions_committed_total", transactionsCommitted.get());
    m.put("pypiwatch_rule_transactions_aborted_total", transactionsAborted.get());
    m.put("pypiwatch_rule_state_rebuilds_total", rebuilds.get());
    m.put("pypiwatch_rule_partitions_restored_total", partitionsRestored.get());
    m.put("pypiwatch_rule_records_replayed_total", recordsReplayed.get());
    m.put("pypiwatch_rule_assigned_partitions", assignedPartitions.get());
    m.put("pypiwatch_rule_engine_up", up.get());
    return m;
  }
}

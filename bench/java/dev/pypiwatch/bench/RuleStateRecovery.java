package dev.pypiwatch.bench;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.stream.AlertStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The rule stage's recovery after a restart: the real {@link AlertStream} restoring its state from
 * the rule-state changelog vs replaying the downloads topic, for N packages x 180 days x the 25
 * series of {@link RuleStateMemory} (45 M records for 10,000 packages), on the embedded broker
 * (6 partitions). The topic is filled as the poller backfills (one transaction per package), then
 * one stage of group {@code changelog} reads it all once (the first start, which writes the
 * changelog); group {@code replay} gets the same committed offsets and a rule-state topic name
 * that does not exist, so it replays. Each round publishes one pending day of one package, then
 * starts each group's stage in turn (alternating order) and times, from the partitions' assignment:
 * the state rebuilt, the stage ready ({@code /ready}: read to the end found at assignment) and the
 * pending day evaluated and committed. Also prints the changelog's bytes per package. Plain
 * {@code main}.
 *
 * <p>With {@code -Dmode=changelog-only} the downloads topic holds one record per partition (the
 * group's committed offsets) and the changelog is written from an engine filled in process as
 * {@link RuleStateMemory} does (the states a running stage would have committed, checkpoints at
 * the committed offsets): the changelog side alone, at sizes whose 45 M-record backfill would take
 * too long; no replay to compare with.
 *
 * <p>Args: [packages (default 10000)] [days (default 180)] [rounds (default 3)]. {@code
 * -Dbench.port-base=N}: the broker on N, its controller on N+1. Results: docs/benchmarks.md §11.
 */
public final class RuleStateRecovery {
  private static final Duration WAIT = Duration.ofMinutes(30);
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);
  private static final String REFERENCE = RuleStateMemory.name(0);
  private static final Instant FETCHED = Instant.parse("2026-12-06T02:00:03Z");

  private RuleStateRecovery() {}

  public static void main(String[] args) throws Exception {
    int packages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int portBase = Integer.getInteger("bench.port-base", 0);
    KafkaConfig.TopicsConfig topicsConfig = new KafkaConfig.TopicsConfig("bench.downloads", "bench.recent",
        "bench.state", "bench.alerts", "bench.silences", "bench.rule-state", 6, (short) 1);
    Topics changelog = Topics.from(topicsConfig);
    Topics replay = new Topics(changelog.downloads(), changelog.recent(), changelog.pollerState(), changelog.alerts(),
        changelog.silences(), "bench.no-rule-state");
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(), Map.of(), Map.of());
    Path dir = Files.createTempDirectory("pypiwatch-bench-kafka-");
    try (EmbeddedKafka broker = RuleStageThroughput.startBroker(dir, portBase);
        Admin admin = new KafkaClients(config, broker.bootstrapServers()).newAdmin()) {
      KafkaClients clients = new KafkaClients(config, broker.bootstrapServers());
      TopicAdmin.ensureTopics(admin, topicsConfig);
      if ("changelog-only".equals(System.getProperty("mode"))) {
        changelogOnly(clients, changelog, admin, packages, days, rounds);
        return;
      }
      long started = System.nanoTime();
      long n = backfill(clients, changelog, packages, days);
      System.out.printf("backfill: %,d records (%,d packages x %d days x %d series) in %.0f s; broker %s; load %s%n",
          n, packages, days, RuleStateMemory.series(), seconds(started), broker.bootstrapServers(),
          RuleStageThroughput.load());

      started = System.nanoTime();
      firstStart(clients, changelog, admin);
      System.out.printf("first start (every record evaluated, changelog written): %.0f s, %,.0f records/s; load %s%n",
          seconds(started), n / seconds(started), RuleStageThroughput.load());
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("changelog")
          .partitionsToOffsetAndMetadata().get();
      admin.alterConsumerGroupOffsets("replay", committed).all().get();
      changelogSize(clients, changelog.ruleState(), packages);

      double[][] viaChangelog = new double[rounds][];
      double[][] viaReplay = new double[rounds][];
      for (int r = 0; r < rounds; r++) {
        pendingDay(clients, changelog, r);
        if (r % 2 == 0) {
          viaChangelog[r] = recover(clients, changelog, "changelog", r, admin);
          viaReplay[r] = recover(clients, replay, "replay", r, admin);
        } else {
          viaReplay[r] = recover(clients, replay, "replay", r, admin);
          viaChangelog[r] = recover(clients, changelog, "changelog", r, admin);
        }
        System.out.printf("round %d: from assignment, changelog: rebuilt %.1f s, ready %.1f s, pending day"
            + " committed %.1f s | replay: rebuilt %.1f s, ready %.1f s, committed %.1f s | replay/changelog (ready)"
            + " %.1f; load %s%n", r + 1, viaChangelog[r][0], viaChangelog[r][1], viaChangelog[r][2], viaReplay[r][0],
            viaReplay[r][1], viaReplay[r][2], viaReplay[r][1] / viaChangelog[r][1], RuleStageThroughput.load());
      }
      for (int i = 0; i < 3; i++) {
        int k = i;
        double[] c = java.util.Arrays.stream(viaChangelog).mapToDouble(x -> x[k]).toArray();
        double[] p = java.util.Arrays.stream(viaReplay).mapToDouble(x -> x[k]).toArray();
        double[] ratio = new double[rounds];
        java.util.Arrays.setAll(ratio, j -> p[j] / c[j]);
        System.out.printf("%-26s changelog median %.1f s (%.1f-%.1f), replay median %.1f s (%.1f-%.1f),"
            + " replay/changelog median %.1f (%.1f-%.1f)%n", new String[] {"assignment to rebuilt:",
                "assignment to ready:", "assignment to first eval:"}[i], RuleStageThroughput.median(c),
            RuleStageThroughput.min(c), RuleStageThroughput.max(c), RuleStageThroughput.median(p),
            RuleStageThroughput.min(p), RuleStageThroughput.max(p), RuleStageThroughput.median(ratio),
            RuleStageThroughput.min(ratio), RuleStageThroughput.max(ratio));
      }
    } finally {
      RuleStageThroughput.deleteRecursively(dir);
    }
  }

  /** The changelog side alone: states from an in-process engine, one download record per partition. */
  private static void changelogOnly(KafkaClients clients, Topics topics, Admin admin, int packages, int days,
      int rounds) throws Exception {
    long started = System.nanoTime();
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    for (int p = 0; p < packages; p++) {
      RuleStateMemory.fill(engine, p, NEWEST, days);
    }
    System.out.printf("engine filled in process: %,d packages x %d days x %d series in %.0f s; load %s%n", packages,
        days, RuleStateMemory.series(), seconds(started), RuleStageThroughput.load());
    int partitions = 6;
    // One record per partition (a package's newest day again): offsets for the group to have committed.
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "bench-poller")) {
      boolean[] done = new boolean[partitions];
      for (int p = 1; p < packages; p++) {
        int part = KafkaClients.partitionOf(RuleStateMemory.name(p), partitions);
        if (!done[part]) {
          done[part] = true;
          publish(publisher, p, NEWEST, 1);
        }
      }
    }
    Map<TopicPartition, Long> end = RuleStageThroughput.endOffsets(clients, topics);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    end.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
    admin.alterConsumerGroupOffsets("changelog", offsets).all().get();
    started = System.nanoTime();
    try (var producer = clients.newProducer(null)) {
      for (String pkg : engine.packages()) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.ruleState(),
            KafkaClients.partitionOf(pkg, partitions), pkg,
            dev.pypiwatch.rules.RuleStateCodec.encode(engine.exportState(pkg).orElseThrow())));
      }
      end.forEach((tp, o) -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.ruleState(),
          tp.partition(), "#checkpoint", dev.pypiwatch.rules.RuleStateCodec.encodeCheckpoint(o))));
    }
    System.out.printf("changelog written in %.0f s%n", seconds(started));
    engine = null; // the restarted stage's heap holds its own
    changelogSize(clients, topics.ruleState(), packages);
    double[][] times = new double[rounds][];
    for (int r = 0; r < rounds; r++) {
      pendingDay(clients, topics, r);
      times[r] = recover(clients, topics, "changelog", r, admin);
      System.out.printf("round %d: from assignment, changelog: rebuilt %.1f s, ready %.1f s, pending day committed"
          + " %.1f s; load %s%n", r + 1, times[r][0], times[r][1], times[r][2], RuleStageThroughput.load());
    }
    for (int i = 0; i < 3; i++) {
      int k = i;
      double[] c = java.util.Arrays.stream(times).mapToDouble(x -> x[k]).toArray();
      System.out.printf("%-26s changelog median %.1f s (%.1f-%.1f)%n", new String[] {"assignment to rebuilt:",
          "assignment to ready:", "assignment to first eval:"}[i], RuleStageThroughput.median(c),
          RuleStageThroughput.min(c), RuleStageThroughput.max(c));
    }
  }

  /** Publishes each package's days in one transaction, as the poller's backfill does; the number of records. */
  private static long backfill(KafkaClients clients, Topics topics, int packages, int days) {
    long n = 0;
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "bench-poller")) {
      for (int p = 0; p < packages; p++) {
        n += publish(publisher, p, NEWEST, days);
      }
    }
    return n;
  }

  private static int publish(DownloadPublisher publisher, int p, LocalDate newest, int days) {
    List<DownloadObservation> out = new ArrayList<>(days * RuleStateMemory.series());
    RuleStateMemory.records(p, newest, days, r -> out.add(new DownloadObservation(r, Origin.REPORTED, null, FETCHED,
        "https://pypistats.org/api/packages/" + r.packageName() + "/" + r.endpoint().path())), d -> {});
    publisher.publishBatch(RuleStateMemory.name(p), out, List.of(), new byte[] {'{', '}'});
    return out.size();
  }

  /** One new day of package {@code 1 + round}: what the restarted stage evaluates first. */
  private static void pendingDay(KafkaClients clients, Topics topics, int round) {
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "bench-poller")) {
      publish(publisher, 1 + round, NEWEST.plusDays(1 + round), 1);
    }
  }

  /** The changelog group's first start: every record read, evaluated and committed with the changelog. */
  private static void firstStart(KafkaClients clients, Topics topics, Admin admin) throws Exception {
    Map<TopicPartition, Long> end = RuleStageThroughput.endOffsets(clients, topics);
    RuleMetrics metrics = new RuleMetrics();
    AlertStream stream = stream(clients, topics, "changelog", "first", metrics);
    Thread loop = new Thread(stream::run, "bench-rules");
    loop.start();
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!RuleStageThroughput.committedAtEnd(admin, "changelog", end)) {
        check(deadline, loop, "first start: offsets not committed at the end");
        Thread.sleep(200);
      }
    } finally {
      stream.stop();
      loop.join(WAIT.toMillis());
    }
  }

  /**
   * Starts group {@code group}'s stage on {@code topics}; seconds from the partitions' assignment
   * to the state rebuilt, to ready, and to the pending day committed.
   */
  private static double[] recover(KafkaClients clients, Topics topics, String group, int round, Admin admin)
      throws Exception {
    Map<TopicPartition, Long> end = RuleStageThroughput.endOffsets(clients, topics);
    RuleMetrics metrics = new RuleMetrics();
    AlertStream stream = stream(clients, topics, group, group + "-" + round, metrics);
    Thread loop = new Thread(stream::run, "bench-rules-" + group);
    loop.start();
    long assigned = 0;
    long rebuilt = 0;
    long ready = 0;
    long committed = 0;
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ready == 0 || committed == 0) {
        check(deadline, loop, group + ": not ready");
        long now = System.nanoTime();
        String waiting = stream.readiness().waiting().orElse("");
        Map<String, Long> m = metrics.snapshot();
        if (assigned == 0 && (waiting.contains("rebuilding") || m.get("pypiwatch_rule_state_rebuilds_total") > 0)) {
          assigned = now;
        }
        if (rebuilt == 0 && m.get("pypiwatch_rule_state_rebuilds_total") > 0) {
          rebuilt = now;
        }
        if (ready == 0 && rebuilt != 0 && stream.readiness().ready()) {
          ready = now;
        }
        if (committed == 0 && m.get("pypiwatch_rule_transactions_committed_total") > 0) {
          committed = now;
        }
        Thread.sleep(1);
      }
      while (!RuleStageThroughput.committedAtEnd(admin, group, end)) {
        check(deadline, loop, group + ": pending day not committed");
        Thread.sleep(5);
      }
      if (group.equals("changelog") && (metrics.partitionsRestored() != 6 || metrics.recordsReplayed() != 0)
          || group.equals("replay") && metrics.partitionsRestored() != 0) {
        throw new IllegalStateException(group + " took the wrong path: " + metrics.snapshot());
      }
      return new double[] {(rebuilt - assigned) / 1e9, (ready - assigned) / 1e9, (committed - assigned) / 1e9};
    } finally {
      stream.stop();
      loop.join(WAIT.toMillis());
    }
  }

  private static AlertStream stream(KafkaClients clients, Topics topics, String group, String transactionalId,
      RuleMetrics metrics) {
    AlertStream stream = new AlertStream(clients, topics, group, "bench-" + transactionalId,
        () -> new RuleEngine(RulesConfig.DEFAULTS), Set.of(REFERENCE), metrics, a -> false);
    stream.open();
    return stream;
  }

  /** Prints the changelog's records and bytes, and the newest value's bytes per package. */
  private static void changelogSize(KafkaClients clients, String topic, int packages) {
    Map<String, Integer> latest = new HashMap<>();
    long[] all = new long[2];
    TopicReader.readToEnd(clients, topic, WAIT, r -> {
      all[0]++;
      all[1] += r.value() == null ? 0 : r.value().length;
      latest.put(r.key(), r.value() == null ? 0 : r.value().length);
    });
    long live = latest.entrySet().stream().filter(e -> !e.getKey().startsWith("#"))
        .mapToLong(Map.Entry::getValue).sum();
    System.out.printf("changelog %s: %,d records, %.1f MB; newest state per package: %.1f MB, %.0f bytes a package"
        + " (%d packages)%n", topic, all[0], all[1] / 1048576.0, live / 1048576.0, (double) live / packages, packages);
  }

  private static void check(long deadline, Thread loop, String what) {
    if (System.nanoTime() > deadline || !loop.isAlive()) {
      throw new IllegalStateException(what + (loop.isAlive() ? " in time" : ", its loop ended"));
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}

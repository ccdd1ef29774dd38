package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.cli.CrashLoopIT.Delivery;
import dev.pypiwatch.cli.CrashLoopIT.Fact;
import dev.pypiwatch.cli.CrashLoopIT.Transition;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.rules.Backtest;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.Recordings;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.KafkaCluster;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.ServiceProcess;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Scale-out on a real multi-broker cluster (issue 15): a three-node KRaft cluster on localhost
 * ({@link KafkaCluster}: replication 3, {@code min.insync.replicas} 2, internal topics likewise),
 * three instances of the packaged jar sharing the poller ({@code poller.sharded: true}), rule and
 * notifier consumer groups, the upstream simulator and a webhook receiver. Every instance is given
 * the whole {@link #WATCHLIST}; the pollers' group splits it. Mid-cycle (right after the first
 * instance to publish a package of the new day did so) one broker (the rule group's coordinator)
 * and that instance are killed with {@code kill -9}. The two others take the
 * dead instance's poller, rule and notifier partitions once its session expires, and publish the new
 * day of every package, its packages included, without that broker; then both are restarted and the
 * instance takes its share back. First, the first start's alerts equal one engine's over the same
 * upstream. Then:
 * every package's day is committed to the downloads topic once (read_committed; {@code __all__} too,
 * published by its owner only), every alert transition is on the alerts topic once, every transition
 * reaches the receiver in one notification (a POST sent again carries the same {@code
 * Idempotency-Key}), every partition's three replicas are in sync again, and every instance reports
 * ready.
 *
 * <p>Logs of every process: {@code target/cluster-it/}; the figures (cluster start-up, wall time,
 * phases) are printed and appended to {@code target/cluster-it/report.txt}.
 */
class ClusterIT {
  private static final Path DIR = Path.of("target/cluster-it");
  private static final int INSTANCES = 3;
  /** The packages in three groups of three sizes; the first of each group spikes on the new day. */
  private static final List<List<String>> SPLIT = List.of(
      List.of("ant", "bee", "cat"), List.of("dog", "eel", "fox"), List.of("gnu", "hen", "ibis"));
  private static final List<String> WATCHLIST = SPLIT.stream().flatMap(List::stream).toList();
  private static final String REFERENCE = "__all__";
  /** How many pollers publish the reference's records: with sharded pollers, its owner only. */
  private static final int REFERENCE_PUBLISHERS = 1;
  private static final TopicsConfig TOPICS = TopicsConfig.DEFAULTS;
  private static final String RULES_GROUP = "pypiwatch-rules";
  private static final String NOTIFIER_GROUP = "pypiwatch-notifier";
  private static final String POLLER_GROUP = "pypiwatch-poller";
  private static final String WATCHLIST_TOPIC = "pypiwatch.watchlist";
  /** The service's topics, each with three replicas. */
  private static final List<String> REPLICATED = List.of(TOPICS.downloads(), TOPICS.recent(), TOPICS.pollerState(),
      TOPICS.alerts(), TOPICS.silences(), TOPICS.ruleState(), WATCHLIST_TOPIC, "pypiwatch.notifications-sent",
      "pypistats.notifications.dlq");
  private static final Duration MAX_ALERT_AGE = Duration.ofDays(3);
  /**
   * The consumers' session: how long a killed instance's partitions stay with it (static
   * membership) before the others take them. The broker's least (group.min.session.timeout.ms);
   * the default is 45 s.
   */
  private static final Duration SESSION = Duration.ofSeconds(6);
  /** Only a hung or broken service reaches these: three services and three brokers share 2 cores. */
  private static final Duration START = Duration.ofMinutes(4);
  private static final Duration SETTLE = Duration.ofMinutes(4);
  /**
   * C1 only and the serial collector, as for the test brokers: six JVMs that live a few minutes
   * share 2 cores, and C2's compilations would take most of the CPU they need to start.
   */
  private static final List<String> SERVICE_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final String PUBLISHED = "published [package: ";
  private static final String CYCLE_DONE = "poll cycle done [";
  /** TransactionalProducer's error when another producer took its transactional id. */
  private static final String FENCED = "fenced: is another instance using the same transactional id?";

  private final long began = System.nanoTime();
  private final List<ServiceProcess> instances = new ArrayList<>();
  private final List<ServiceProcess> processes = new ArrayList<>(); // every process started, the killed one too
  private final List<Path> configs = new ArrayList<>();
  private int lives;

  @Test
  void aBrokerAndAnInstanceKilledMidCycleLoseNothingAndDuplicateNothing() throws Exception {
    deleteRecursively(DIR);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate newDay = today.minusDays(1);
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = KafkaCluster.start(DIR, 3)) {
      say("cluster-it: three-node KRaft cluster ready in " + ms(cluster.startup()) + " ms at "
          + cluster.bootstrapServers());
      SimulatedUpstream sim = new SimulatedUpstream(20_261_215L);
      for (List<String> part : SPLIT) {
        sim.addPackage(part.get(0), Profile.busy(20_000));
        sim.addPackage(part.get(1), Profile.busy(6_000));
        sim.addPackage(part.get(2), Profile.busy(1_500));
      }
      // 60 days: enough for the rules' baselines (6 same weekdays), a third of the usual backfill.
      sim.setToday(today).windowDays(60).lag(1); // the new day is not there yet
      FakePypiStats upstream = FakePypiStats.startBlocking(vertx);
      upstream.serve(sim);
      FakeReceiver receiver = FakeReceiver.startBlocking(vertx);
      KafkaClients clients = new KafkaClients(KafkaTesting.config(TOPICS, Map.of()), cluster.bootstrapServers());
      try (Admin admin = clients.newAdmin()) {
        for (int i = 0; i < INSTANCES; i++) {
          configs.add(writeConfig(i, cluster.bootstrapServers(), upstream.baseUrl(), receiver.url("/hook")));
        }
        IntStream.range(0, INSTANCES).forEach(i -> instances.add(start(i)));
        awaitSettled(admin, "first start (backfill)", () -> true);
        say("cluster-it: three instances started and settled after " + since(began) + " s");
        // Whichever instance evaluated a package, and however the partitions moved while they
        // started, the first start concludes what one engine concludes from the same upstream.
        List<String> firstStart = sorted(transitions(alerts(clients)));
        assertEquals(sorted(transitions(singleEngine(sim))), firstStart,
            "first start's alert transitions vs one rule engine over the same upstream");
        say("cluster-it: first start: " + firstStart.size() + " alert transition(s), as one rule engine over the same upstream");

        // The new day, with a x5 spike of each instance's first package, published at once.
        synchronized (sim) {
          SPLIT.forEach(part -> sim.revise(part.get(0), newDay, 80_000));
          sim.lag(0);
        }
        List<Integer> publishedBefore = instances.stream().map(p -> p.count(PUBLISHED)).toList();
        List<Integer> cyclesBefore = instances.stream().map(p -> p.count(CYCLE_DONE)).toList();
        for (ServiceProcess p : instances) {
          assertEquals(202, p.post("/poll"), p.tail());
        }
        // Mid-cycle: once the instance published the first package (the reference comes first) of the day.
        // The victim: the first instance to publish a package of the day (the group decides who polls
        // what, so one instance may own no package of the nine).
        int[] first = {-1};
        Await.until(() -> {
          for (int i = 0; i < INSTANCES && first[0] < 0; i++) {
            if (instances.get(i).count(PUBLISHED) > publishedBefore.get(i)) {
              first[0] = i;
            }
          }
          return first[0] >= 0;
        }, SETTLE, () -> instances.get(0).tail());
        final int killed = first[0];
        ServiceProcess victim = instances.get(killed);
        int broker = coordinatorIndex(admin, RULES_GROUP, cluster);
        long killedAt = System.nanoTime();
        victim.kill();
        cluster.node(broker).kill();
        say("cluster-it: killed instance " + (killed + 1) + " (after " + (victim.count(PUBLISHED)
            - publishedBefore.get(killed)) + " publication(s) of the day) and broker " + (broker + 1)
            + " (the rule group's coordinator) " + since(began) + " s in");

        // The two others take the killed instance's partitions once its session expires, its
        // packages to poll included, and publish every package's new day without it.
        Await.until(() -> ownedWithout(admin, RULES_GROUP, TOPICS.downloads(), killed)
            && ownedWithout(admin, NOTIFIER_GROUP, TOPICS.alerts(), killed)
            && ownedWithout(admin, POLLER_GROUP, WATCHLIST_TOPIC, killed), SETTLE,
            () -> "partitions not taken over: " + members(admin, RULES_GROUP) + " / " + members(admin, NOTIFIER_GROUP)
                + " / " + members(admin, POLLER_GROUP));
        say("cluster-it: the others own every rule, notifier and poller partition "
            + String.format("%.1f", (System.nanoTime() - killedAt) / 1e9) + " s after the kill");
        KafkaClients survivors = new KafkaClients(KafkaTesting.config(TOPICS, Map.of()), cluster.liveBootstrapServers());
        Await.until(() -> missingNewDay(survivors, newDay).isEmpty(), SETTLE,
            () -> "packages whose " + newDay + " the surviving pollers did not publish: " + missingNewDay(survivors, newDay));
        say("cluster-it: every package's new day published by the survivors "
            + String.format("%.1f", (System.nanoTime() - killedAt) / 1e9) + " s after the kill");
        // The killed broker comes back on its port and data and catches up; the killed instance comes
        // back and gets its share again (static membership): nothing twice.
        cluster.node(broker).restart();
        say("cluster-it: broker " + (broker + 1) + " restarted " + since(began) + " s in");
        instances.set(killed, start(killed));
        awaitSettled(admin, "after the kills", () -> IntStream.range(0, INSTANCES).allMatch(i -> i == killed
            ? instances.get(i).count(CYCLE_DONE) > 0 : instances.get(i).count(CYCLE_DONE) > cyclesBefore.get(i)));
        say("cluster-it: settled " + since(began) + " s in");

        Assumptions.assumeTrue(LocalDate.now(ZoneOffset.UTC).equals(today),
            "the run crossed midnight UTC: the services' today moved under the test; run it again");
        for (int i = 0; i < INSTANCES; i++) {
          assertTrue(instances.get(i).isReady(), "instance " + (i + 1) + " not ready: " + instances.get(i).tail());
        }
        // Instances never share a transactional id: none was fenced by another (each commit would
        // abort and rewind the loser; with one notifier id for all, as before issue 15, they were).
        for (ServiceProcess p : processes) {
          assertEquals(0, p.count(FENCED), "a producer fenced by another instance: " + p.logFiles());
        }
        assertReplicated(admin);
        Await.until(() -> outOfSync(admin).isEmpty(), SETTLE,
            () -> "partitions whose three replicas are not all in sync again: " + outOfSync(admin));
        KafkaClients live = new KafkaClients(KafkaTesting.config(TOPICS, Map.of()), cluster.liveBootstrapServers());
        assertDownloads(live, sim, newDay);
        List<Alert> alerts = alerts(live);
        assertEquals(List.of(), CrashLoopIT.duplicates(transitions(alerts)), "alert transitions published twice");
        Set<String> spiked = SPLIT.stream().map(part -> part.get(0)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(spiked, alerts.stream().filter(a -> a.rule().equals("spike") && a.date().equals(newDay)
            && a.state() == AlertState.FIRING).map(Alert::packageName).collect(Collectors.toCollection(TreeSet::new)),
            "packages whose spike on " + newDay + " fired");
        assertNotifications(receiver, alerts, today, killedAt);
        say("cluster-it: wall time " + since(began) + " s (cluster start-up " + ms(cluster.startup()) + " ms)");
      } finally {
        instances.forEach(ServiceProcess::close);
        Await.result(vertx.close());
      }
    }
  }

  /**
   * Every watched package's facts committed once, none missing for the new day; the reference's at
   * most once per poller that polls it.
   */
  private static void assertDownloads(KafkaClients clients, SimulatedUpstream sim, LocalDate newDay) {
    List<Fact> facts = KafkaTesting.consumeToEnd(clients, TOPICS.downloads(), Await.DEFAULT).stream().map(r -> {
      var d = EventCodec.decodeDownload(r.value()).record();
      return new Fact(d.packageName(), d.endpoint().path(), d.category(), d.date());
    }).toList();
    Map<Fact, Long> n = facts.stream().collect(Collectors.groupingBy(f -> f, LinkedHashMap::new, Collectors.counting()));
    List<String> twice = n.entrySet().stream()
        .filter(e -> e.getValue() > (e.getKey().pkg().equals(REFERENCE) ? REFERENCE_PUBLISHERS : 1))
        .map(e -> e.getKey() + " x" + e.getValue()).toList();
    assertEquals(List.of(), twice, "download facts committed more than once");
    for (String pkg : WATCHLIST) {
      // The overall series: its categories (with and without mirrors) are there every day.
      Set<String> expected = sim.normalizedCounts(pkg, Endpoint.OVERALL, newDay).keySet();
      Set<String> got = n.keySet().stream().filter(f -> f.pkg().equals(pkg) && f.date().equals(newDay)
          && f.endpoint().equals(Endpoint.OVERALL.path())).map(Fact::category)
          .collect(Collectors.toCollection(TreeSet::new));
      assertFalse(expected.isEmpty(), pkg);
      assertEquals(expected, got, pkg + "'s " + newDay + " (overall) on the downloads topic");
    }
    say("cluster-it: " + facts.size() + " download records, " + n.size() + " distinct facts, none twice");
  }

  /**
   * Every firing that is news reached the receiver, every transition in one notification only; a
   * POST sent again has the key of the first and the same transitions.
   */
  private static void assertNotifications(FakeReceiver receiver, List<Alert> alerts, LocalDate today, long killedAt) {
    List<Delivery> deliveries = CrashLoopIT.deliveries(receiver);
    Map<String, List<Transition>> byKey = new TreeMap<>();
    List<String> changed = new ArrayList<>();
    for (Delivery d : deliveries) {
      List<Transition> first = byKey.putIfAbsent(d.key(), d.transitions());
      if (first != null && !new HashSet<>(first).equals(new HashSet<>(d.transitions()))) {
        changed.add(d.key() + ": " + first + " then " + d.transitions());
      }
    }
    assertEquals(List.of(), changed, "POSTs of one Idempotency-Key with other transitions");
    List<Transition> delivered = byKey.values().stream().flatMap(List::stream).toList();
    assertEquals(List.of(), CrashLoopIT.duplicates(delivered), "transitions delivered in two notifications");
    Set<String> published = new TreeSet<>(strings(transitions(alerts)));
    assertEquals(List.of(), delivered.stream().map(String::valueOf).filter(t -> !published.contains(t)).toList(),
        "delivered transitions that are not on the alerts topic");
    Set<String> news = new TreeSet<>(strings(transitions(alerts.stream()
        .filter(a -> a.state() == AlertState.FIRING && !a.isHistory(today, MAX_ALERT_AGE)).toList())));
    Set<String> deliveredFirings = delivered.stream().filter(t -> t.state().equals(AlertState.FIRING.wire()))
        .map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(news, deliveredFirings, "firings within notify.max-alert-age delivered");
    long resent = deliveries.size() - byKey.size();
    long afterKill = deliveries.stream().filter(d -> d.arrivalNanos() > killedAt).count();
    say("cluster-it: alert transitions " + alerts.stream().map(a -> a.rule() + " " + a.packageName() + " " + a.date()
        + " " + a.state().wire()).toList());
    say("cluster-it: " + alerts.size() + " alert transitions, none twice; " + delivered.size()
        + " transitions delivered in " + byKey.size() + " notifications (" + deliveries.size() + " POSTs, " + resent
        + " sent again with the same Idempotency-Key, " + afterKill + " after the kill)");
  }

  /** Every topic pypiwatch created is replicated on all three nodes. */
  private static void assertReplicated(Admin admin) throws Exception {
    Map<String, TopicDescription> d = admin.describeTopics(REPLICATED).allTopicNames().get();
    for (String t : REPLICATED) {
      d.get(t).partitions().forEach(p -> assertEquals(3, p.replicas().size(), t + " partition " + p.partition()));
    }
  }

  /** The partitions of the service's topics with fewer than three in-sync replicas, as {@code topic-partition}. */
  private static List<String> outOfSync(Admin admin) {
    try {
      Map<String, TopicDescription> d = admin.describeTopics(REPLICATED).allTopicNames().get();
      return REPLICATED.stream().flatMap(t -> d.get(t).partitions().stream()
          .filter(p -> p.isr().size() < 3).map(p -> t + "-" + p.partition())).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return List.of("(describe failed: " + e.getCause() + ")");
    }
  }

  /**
   * Waits until every instance answers /ready and {@code cycles} holds, and the rule and notifier
   * groups have committed the settled end of the downloads and alerts topics.
   */
  private void awaitSettled(Admin admin, String phase, java.util.function.BooleanSupplier cycles) {
    Await.until(() -> {
      for (ServiceProcess p : instances) {
        if (!p.isAlive()) {
          throw new AssertionError(phase + ": an instance exited: " + p.tail());
        }
        if (!p.isReady()) {
          return false;
        }
      }
      if (!cycles.getAsBoolean()) {
        return false;
      }
      try {
        // Past a trailing aborted transaction's marker too (a killed producer's, aborted by its restart).
        return CrashLoopIT.committedToEnd(admin, RULES_GROUP, TOPICS.downloads())
            && CrashLoopIT.committedToEnd(admin, NOTIFIER_GROUP, TOPICS.alerts());
      } catch (RuntimeException e) {
        return false; // a topic not there yet, a coordinator moving
      }
    }, phase.startsWith("first") ? START.plus(SETTLE) : SETTLE, () -> phase + ": not settled; "
        + instances.stream().map(p -> "instance ready " + p.isReady() + "\n" + p.tail()).collect(Collectors.joining("\n")));
  }

  /** True when the group's members, none of them instance {@code killed}, own every partition of {@code topic}. */
  private static boolean ownedWithout(Admin admin, String group, String topic, int killed) {
    try {
      ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      Set<TopicPartition> owned = new HashSet<>();
      for (MemberDescription m : g.members()) {
        if (m.groupInstanceId().orElse("").equals(instanceId(killed))) {
          return false;
        }
        owned.addAll(m.assignment().topicPartitions());
      }
      return owned.stream().filter(tp -> tp.topic().equals(topic)).count() == TOPICS.partitions();
    } catch (ExecutionException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String members(Admin admin, String group) {
    try {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
          .map(m -> m.groupInstanceId().orElse("?") + "=" + m.assignment().topicPartitions())
          .collect(Collectors.joining(", ", group + " [", "]"));
    } catch (Exception e) {
      return group + ": " + e;
    }
  }

  /** The cluster node (0-based) coordinating {@code group}. */
  private static int coordinatorIndex(Admin admin, String group, KafkaCluster cluster) throws Exception {
    int id = admin.describeConsumerGroups(List.of(group)).all().get().get(group).coordinator().id();
    assertTrue(id >= 1 && id <= cluster.size(), "coordinator " + id);
    return id - 1;
  }

  private static List<Alert> alerts(KafkaClients clients) {
    return KafkaTesting.consumeToEnd(clients, TOPICS.alerts(), Await.DEFAULT).stream()
        .sorted(Comparator.comparingInt((org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r)
            -> r.partition()).thenComparingLong(r -> r.offset()))
        .map(r -> AlertCodec.decode(r.value())).toList();
  }

  /**
   * The alert transitions of one rule engine over what {@code sim} serves now (recorded, then run
   * as {@code pypiwatch backtest} runs a recording).
   */
  private static List<Alert> singleEngine(SimulatedUpstream sim) throws IOException {
    List<String> names = new ArrayList<>(sim.packages());
    names.add(SimulatedUpstream.ALL);
    Path dir = DIR.resolve("single-engine");
    Map<String, List<DownloadRecord>> series = new LinkedHashMap<>();
    synchronized (sim) {
      RecordingReader reader = RecordingReader.open(Recordings.record(sim, names, dir), SimulatedUpstream.ALL);
      for (String n : names) {
        series.put(n, reader.read(n, w -> { }));
      }
    }
    return new Backtest(RulesConfig.DEFAULTS).run(series, null, null).alerts();
  }

  private static List<Transition> transitions(List<Alert> alerts) {
    return alerts.stream().map(a -> new Transition(a.fingerprint(), a.state().wire(), a.date())).toList();
  }

  private static List<String> sorted(List<?> items) {
    return items.stream().map(String::valueOf).sorted().toList();
  }

  private static List<String> strings(List<?> items) {
    return items.stream().map(String::valueOf).toList();
  }

  private ServiceProcess start(int i) {
    lives++;
    return started(ServiceProcess.start(DIR.toAbsolutePath(), "instance-" + (i + 1) + "-life-" + lives, SERVICE_JVM,
        "run", "--config", configs.get(i).toString()));
  }

  private ServiceProcess started(ServiceProcess p) {
    processes.add(p);
    return p;
  }

  private static String instanceId(int i) {
    return "cluster-" + (i + 1);
  }

  /** Instance {@code i}'s packages: all of them (the pollers share them through their group). */
  private static List<String> watchlistOf(int i) {
    return WATCHLIST;
  }

  /** The watched packages without an overall record of {@code day} on the downloads topic (read_committed). */
  private static List<String> missingNewDay(KafkaClients clients, LocalDate day) {
    Set<String> there = KafkaTesting.consumeToEnd(clients, TOPICS.downloads(), Await.DEFAULT).stream()
        .map(r -> EventCodec.decodeDownload(r.value()).record())
        .filter(d -> d.date().equals(day) && d.endpoint() == Endpoint.OVERALL)
        .map(d -> d.packageName()).collect(Collectors.toSet());
    return WATCHLIST.stream().filter(p -> !there.contains(p)).toList();
  }

  private static Path writeConfig(int i, String bootstrap, String api, String hook) throws IOException {
    Files.createDirectories(DIR);
    // Far from now, so the daily poll never runs during the test.
    String pollAt = LocalTime.now(ZoneOffset.UTC).plusHours(12).format(DateTimeFormatter.ofPattern("HH:mm"));
    Path file = DIR.resolve("instance-" + (i + 1) + ".yaml").toAbsolutePath();
    Files.writeString(file, """
        api:
          base-url: "%s"
          min-interval: 0s
          contact: cluster-it
          pypi-json-enabled: false
          initial-backoff: 200ms
        kafka:
          bootstrap-servers: "%s"
          instance-id: %s
          topics: {replication-factor: 3}
          consumer: {session.timeout.ms: "%d"}
        poller:
          poll-at: "%s"
          freshness-retry: 1h
          freshness-retry-max: 2h
          transactional-id: cluster-poller-%d
          sharded: true
        rule-engine:
          transactional-id-prefix: cluster-rules-%d
        http:
          host: 127.0.0.1
          port: 0
        notify:
          group-wait: 0s
          repeat-interval: 0s
          max-alert-age: %dd
          retry: {attempts: 6, initial-backoff: 1s, max-backoff: 5s}
          receivers:
            - name: hook
              webhook: {url: "%s"}
          default-receivers: [hook]
        watchlist: [%s]
        """.formatted(api, bootstrap, instanceId(i), SESSION.toMillis(), pollAt, i + 1, i + 1,
        MAX_ALERT_AGE.toDays(), hook, String.join(", ", watchlistOf(i))));
    return file;
  }

  private static String since(long nanos) {
    return String.format("%.1f", (System.nanoTime() - nanos) / 1e9);
  }

  private static long ms(Duration d) {
    return d.toMillis();
  }

  /** Prints {@code line} and appends it to {@code target/cluster-it/report.txt}. */
  private static synchronized void say(String line) {
    System.out.println(line);
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve("report.txt"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package dev.pypiwatch.bench;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.stream.AlertStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The rule stage as the service runs it ({@link AlertStream}: its loop, decoding, recording,
 * evaluating, alerts and offsets committed in one transaction per step) vs a plain consumer
 * (same consumer settings, {@code read_committed}, values as bytes and left alone) reading the
 * same downloads topic on the same embedded broker; each on one thread, each from a fresh group,
 * interleaved over rounds. Plain {@code main}: Kafka I/O does not fit JMH's model.
 *
 * <p>The topic holds a backfill as the poller publishes it: per package, one transaction of
 * {@code days} days × 14 series (overall, python_major, python_minor, system), encoded by the
 * real codec, plus the ecosystem reference {@code __all__}. Each run is timed from its first
 * record to the last (for the rule stage: to the group's offsets committed at the end of every
 * partition), so group joins and the stage's rebuild are left out. A first round of each is not
 * counted (warm-up). With {@code -Dchangelog=compare} each round also runs the stage without its
 * rule-state changelog (a rule-state topic name that does not exist), for the changelog's cost.
 *
 * <p>Args: [packages (default 80)] [days (default 180)] [rounds (default 7)]. {@code
 * -Dbench.port-base=N}: the broker listens on N and its controller on N+1 (default: free ports).
 * Results: docs/benchmarks.md, section 5.
 */
public final class RuleStageThroughput {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String REFERENCE = RulesConfig.DEFAULTS.global().drop().referencePackage();
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 5, 1);
  private static final Instant FETCHED = Instant.parse("2026-11-01T02:00:03.123456Z");
  /** The series of a package as the poller publishes them: endpoint and (raw) category. */
  private static final List<Map.Entry<Endpoint, String>> SERIES = List.of(
      Map.entry(Endpoint.OVERALL, Categories.WITH_MIRRORS), Map.entry(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS),
      Map.entry(Endpoint.PYTHON_MAJOR, "2"), Map.entry(Endpoint.PYTHON_MAJOR, "3"),
      Map.entry(Endpoint.PYTHON_MINOR, "3.8"), Map.entry(Endpoint.PYTHON_MINOR, "3.9"),
      Map.entry(Endpoint.PYTHON_MINOR, "3.10"), Map.entry(Endpoint.PYTHON_MINOR, "3.11"),
      Map.entry(Endpoint.PYTHON_MINOR, "3.12"), Map.entry(Endpoint.PYTHON_MINOR, "3.13"),
      Map.entry(Endpoint.SYSTEM, "linux"), Map.entry(Endpoint.SYSTEM, "windows"),
      Map.entry(Endpoint.SYSTEM, "darwin"), Map.entry(Endpoint.SYSTEM, "other"));

  private RuleStageThroughput() {}

  public static void main(String[] args) throws Exception {
    int packages = args.length > 0 ? Integer.parseInt(args[0]) : 80;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int portBase = Integer.getInteger("bench.port-base", 0);
    KafkaConfig.TopicsConfig topicsConfig = new KafkaConfig.TopicsConfig("bench.downloads", "bench.recent",
        "bench.state", "bench.alerts", "bench.silences", "bench.rule-state", 6, (short) 1);
    Topics topics = Topics.from(topicsConfig);
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(), Map.of(), Map.of());
    Path dir = Files.createTempDirectory("pypiwatch-bench-kafka-");
    try (EmbeddedKafka broker = startBroker(dir, portBase)) {
      KafkaClients clients = new KafkaClients(config, broker.bootstrapServers());
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, topicsConfig);
      }
      long n = backfill(clients, topics, packages, days);
      System.out.printf("records: %,d (%d packages + %s, %d days, %d series), broker %s, load before: %s%n",
          n, packages, REFERENCE, days, SERIES.size(), broker.bootstrapServers(), load());
      boolean compare = "compare".equals(System.getProperty("changelog"));
      Topics withoutChangelog = new Topics(topics.downloads(), topics.recent(), topics.pollerState(), topics.alerts(),
          topics.silences(), "bench.no-rule-state");
      double[] plain = new double[rounds];
      double[] stage = new double[rounds];
      double[] bare = new double[rounds];
      int readers = Integer.getInteger("bench.plain-threads", 0);
      double[] plainN = new double[rounds];
      double[] plainCpu = new double[rounds]; // µs a record
      double[] stageCpu = new double[rounds];
      long[] transactions = new long[rounds];
      try (Admin admin = clients.newAdmin()) {
        // A first round of each, not counted: the JIT compiles the paths, the page cache fills.
        double warmPlain = plainConsumer(clients, topics, n, "plain-warm-up");
        double warmStage = ruleStage(clients, topics, admin, n, "rules-warm-up").rate();
        System.out.printf("warm-up (not counted): plain consumer %,.0f records/s, rule stage %,.0f records/s%n",
            warmPlain, warmStage);
        for (int r = 0; r < rounds; r++) {
          // Interleaved, in alternating order, so both see the same load and cache state.
          if (r % 2 == 0) {
            Reading reading = plainConsumerTimed(clients, topics.downloads(), n, "plain-" + r);
            plain[r] = reading.rate();
            plainCpu[r] = reading.cpuNanos() / 1e3 / n;
            plainN[r] = readers > 0 ? plainReaders(clients, topics.downloads(), readers) : Double.NaN;
            Run run = ruleStage(clients, topics, admin, n, "rules-" + r);
            stage[r] = run.rate();
            stageCpu[r] = run.cpuNanos() / 1e3 / n;
            transactions[r] = run.transactions();
            bare[r] = compare ? ruleStage(clients, withoutChangelog, admin, n, "bare-" + r).rate() : Double.NaN;
          } else {
            bare[r] = compare ? ruleStage(clients, withoutChangelog, admin, n, "bare-" + r).rate() : Double.NaN;
            Run run = ruleStage(clients, topics, admin, n, "rules-" + r);
            stage[r] = run.rate();
            stageCpu[r] = run.cpuNanos() / 1e3 / n;
            transactions[r] = run.transactions();
            plainN[r] = readers > 0 ? plainReaders(clients, topics.downloads(), readers) : Double.NaN;
            Reading reading = plainConsumerTimed(clients, topics.downloads(), n, "plain-" + r);
            plain[r] = reading.rate();
            plainCpu[r] = reading.cpuNanos() / 1e3 / n;
          }
          System.out.printf("round %d: plain consumer %,.0f records/s, rule stage %,.0f records/s, ratio %.2f, "
              + "rule stage transactions %d, load %s%n", r + 1, plain[r], stage[r], stage[r] / plain[r],
              transactions[r], load());
          System.out.printf("round %d: CPU a record: plain consumer %.2f µs, rule stage %.2f µs (its threads)%n", r + 1,
              plainCpu[r], stageCpu[r]);
          if (readers > 0) {
            System.out.printf("round %d: %d plain readers %,.0f records/s, rule stage / them %.2f%n", r + 1, readers,
                plainN[r], stage[r] / plainN[r]);
          }
          if (compare) {
            System.out.printf("round %d: rule stage without changelog %,.0f records/s; with / without %.2f%n", r + 1,
                bare[r], stage[r] / bare[r]);
          }
        }
      }
      double[] ratio = new double[rounds];
      Arrays.setAll(ratio, i -> stage[i] / plain[i]);
      System.out.printf("plain consumer (reference): median %,.0f records/s (min %,.0f, max %,.0f)%n",
          median(plain), min(plain), max(plain));
      System.out.printf("rule stage (AlertStream):   median %,.0f records/s (min %,.0f, max %,.0f)%n",
          median(stage), min(stage), max(stage));
      System.out.printf("ratio rule stage / plain:   median %.2f (min %.2f, max %.2f) over %d rounds; load after: %s%n",
          median(ratio), min(ratio), max(ratio), rounds, load());
      double[] cpuRatio = new double[rounds];
      Arrays.setAll(cpuRatio, i -> plainCpu[i] / stageCpu[i]);
      System.out.printf("CPU a record:               plain consumer median %.2f µs, rule stage median %.2f µs; plain / stage:"
          + " median %.2f (min %.2f, max %.2f)%n", median(plainCpu), median(stageCpu), median(cpuRatio), min(cpuRatio),
          max(cpuRatio));
      if (readers > 0) {
        double[] ratioN = new double[rounds];
        Arrays.setAll(ratioN, i -> stage[i] / plainN[i]);
        System.out.printf("%d plain readers:            median %,.0f records/s (min %,.0f, max %,.0f); rule stage / them:"
            + " median %.2f (min %.2f, max %.2f)%n", readers, median(plainN), min(plainN), max(plainN), median(ratioN),
            min(ratioN), max(ratioN));
      }
      if (compare) {
        double[] cost = new double[rounds];
        Arrays.setAll(cost, i -> stage[i] / bare[i]);
        System.out.printf("without changelog:          median %,.0f records/s; with / without: median %.2f (min %.2f,"
            + " max %.2f)%n", median(bare), median(cost), min(cost), max(cost));
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** The broker on {@code portBase} and its controller on the next port; free ports for 0. */
  static EmbeddedKafka startBroker(Path dir, int portBase) {
    if (portBase == 0) {
      return EmbeddedKafka.start(dir, 0);
    }
    int controller = portBase + 1;
    return EmbeddedKafka.start(dir, portBase, Map.of(
        "controller.quorum.voters", "1@localhost:" + controller,
        "listeners", "PLAINTEXT://localhost:" + portBase + ",CONTROLLER://localhost:" + controller));
  }

  /** Publishes each package's backfill in one transaction, as the poller does; the number of download records. */
  private static long backfill(KafkaClients clients, Topics topics, int packages, int days) {
    Random random = new Random(15);
    long n = 0;
    try (DownloadPublisher publisher = new DownloadPublisher(clients, topics, "bench-poller")) {
      List<String> names = new ArrayList<>();
      names.add(REFERENCE);
      for (int p = 0; p < packages; p++) {
        names.add("package-" + p);
      }
      for (int p = 0; p < names.size(); p++) {
        String pkg = names.get(p);
        // One timestamp for the whole batch, as the poller writes it (one clock reading a package's poll).
        Instant fetched = FETCHED.plusSeconds(p);
        double scale = pkg.equals(REFERENCE) ? 50_000_000 : Math.pow(10, 2 + random.nextDouble() * 5);
        List<DownloadObservation> out = new ArrayList<>(days * SERIES.size());
        for (int s = 0; s < SERIES.size(); s++) {
          Endpoint endpoint = SERIES.get(s).getKey();
          String category = SERIES.get(s).getValue();
          double share = 1.0 / (1 + s % 4);
          String source = "https://pypistats.org/api/packages/" + pkg + "/" + endpoint.path();
          for (int d = 0; d < days; d++) {
            LocalDate day = FIRST_DAY.plusDays(d);
            double weekly = day.getDayOfWeek().getValue() >= 6 ? 0.6 : 1.0;
            long downloads = Math.round(scale * share * weekly * (0.9 + 0.2 * random.nextDouble()));
            out.add(new DownloadObservation(new DownloadRecord(pkg, endpoint, category, day, downloads),
                Origin.REPORTED, null, fetched, source));
          }
        }
        publisher.publishBatch(pkg, out, List.of(), new byte[] {'{', '}'});
        n += out.size();
      }
    }
    return n;
  }

  /** Records/s of a plain consumer of a fresh group reading the topic to its end, from its first record. */
  private static double plainConsumer(KafkaClients clients, Topics topics, long n, String group) {
    return plainConsumer(clients, topics.downloads(), n, group);
  }

  /** Records/s of a plain consumer of a fresh group reading {@code topic}'s {@code n} records, values left alone. */
  static double plainConsumer(KafkaClients clients, String topic, long n, String group) {
    return plainConsumerTimed(clients, topic, n, group).rate();
  }

  /** As {@link #plainConsumer}, with its thread's CPU time. */
  static Reading plainConsumerTimed(KafkaClients clients, String topic, long n, String group) {
    long[] bytes = {0};
    Reading reading = consumeTimed(clients, topic, n, group, r -> bytes[0] += r.serializedValueSize(), c -> { });
    if (bytes[0] == 0) {
      throw new IllegalStateException("empty values");
    }
    return reading;
  }

  /**
   * Records/s of a consumer of a fresh group reading {@code topic}'s {@code n} records, handing each
   * to {@code each}, then calling {@code atEnd}: timed from its first poll that returned records.
   */
  static double consume(KafkaClients clients, String topic, long n, String group,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each,
      java.util.function.Consumer<KafkaConsumer<String, byte[]>> atEnd) {
    return consumeTimed(clients, topic, n, group, each, atEnd).rate();
  }

  /** Records/s and the reading thread's CPU time (ns) over the same span. */
  record Reading(double rate, long cpuNanos) {}

  /** As {@link #consume}, with the thread's CPU time from its first poll that returned records to the end. */
  static Reading consumeTimed(KafkaClients clients, String topic, long n, String group,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each,
      java.util.function.Consumer<KafkaConsumer<String, byte[]>> atEnd) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(group)) {
      c.subscribe(List.of(topic));
      long seen = 0;
      long first = 0;
      long cpu = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(group + " read only " + seen + " of " + n + " records of " + topic);
        }
        var records = c.poll(Duration.ofMillis(100));
        if (seen == 0 && !records.isEmpty()) {
          first = System.nanoTime();
          cpu = threads.getCurrentThreadCpuTime();
        }
        for (var rec : records) {
          each.accept(rec);
          seen++;
        }
      }
      atEnd.accept(c);
      return new Reading(n / ((System.nanoTime() - first) / 1e9), threads.getCurrentThreadCpuTime() - cpu);
    }
  }

  /**
   * Records/s of {@code threads} group-less consumers (pypiwatch's consumer settings) reading
   * {@code topic} to its end together, its partitions dealt out round-robin: the reference for a
   * stage that works on as many threads. Timed from the first record any of them read to the last.
   */
  static double plainReaders(KafkaClients clients, String topic, int threads) throws InterruptedException {
    Map<TopicPartition, Long> end = endOffsets(clients, topic);
    List<TopicPartition> parts = new ArrayList<>(end.keySet());
    parts.sort(Comparator.comparingInt(TopicPartition::partition));
    long n = end.values().stream().mapToLong(Long::longValue).sum(); // a bound: markers count too
    java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    // Each reader's end, before its consumer closes (a close waits for the fetch left in flight).
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();
    // All connected and positioned before any reads: a late start would count as reading time.
    java.util.concurrent.CyclicBarrier ready = new java.util.concurrent.CyclicBarrier(threads);
    for (int t = 0; t < threads; t++) {
      List<TopicPartition> mine = new ArrayList<>();
      for (int i = t; i < parts.size(); i += threads) {
        mine.add(parts.get(i));
      }
      Thread w = new Thread(() -> {
        try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
          c.assign(mine);
          c.seekToBeginning(mine);
          mine.forEach(c::position);
          ready.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          long deadline = System.nanoTime() + WAIT.toNanos();
          long bytes = 0;
          while (mine.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("plain readers: " + mine + " not read to their end in time");
            }
            var batch = c.poll(Duration.ofMillis(100));
            if (!batch.isEmpty()) {
              first.accumulateAndGet(System.nanoTime(), Math::min);
            }
            for (var rec : batch) {
              bytes += rec.serializedValueSize();
              records.incrementAndGet();
            }
          }
          last.accumulateAndGet(System.nanoTime(), Math::max);
          if (bytes == 0 && !mine.isEmpty()) {
            throw new IllegalStateException("empty values");
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "bench-plain-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("plain readers failed", failures.peek());
    }
    if (records.get() > n) {
      throw new IllegalStateException("read " + records.get() + " records, more than the " + n + " offsets");
    }
    return records.get() / ((last.get() - first.get()) / 1e9);
  }

  /** One run of the rule stage: records/s and the transactions it committed. */
  private record Run(double rate, long transactions, long cpuNanos) {}

  /**
   * The rule stage of a fresh group and transactional id reading the topic to its end: records/s
   * from its first record consumed to the group's offsets committed at the end of every partition.
   */
  private static Run ruleStage(KafkaClients clients, Topics topics, Admin admin, long n, String group)
      throws Exception {
    RuleMetrics metrics = new RuleMetrics();
    AlertStream stream = new AlertStream(clients, topics, group, group + "-0",
        () -> new RuleEngine(RulesConfig.DEFAULTS), Set.of(REFERENCE), metrics, a -> false);
    stream.open();
    Thread loop = new Thread(stream::run, "bench-rules");
    loop.start();
    try {
      Map<TopicPartition, Long> end = endOffsets(clients, topics);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (metrics.recordsConsumed() == 0) {
        check(deadline, loop, "no record consumed");
        Thread.sleep(0, 200_000);
      }
      long first = System.nanoTime();
      long cpu = stageCpu(loop, group);
      while (metrics.recordsConsumed() < n) {
        check(deadline, loop, "only " + metrics.recordsConsumed() + " of " + n + " records consumed");
        Thread.sleep(1);
      }
      while (!committedAtEnd(admin, group, end)) {
        check(deadline, loop, "offsets not committed at the end");
        Thread.sleep(2);
      }
      long elapsed = System.nanoTime() - first;
      cpu = stageCpu(loop, group) - cpu;
      if (metrics.snapshot().getOrDefault("pypiwatch_rule_undecodable_records_total", 0L) != 0) {
        throw new IllegalStateException("undecodable records: " + metrics.snapshot());
      }
      return new Run(n / (elapsed / 1e9),
          metrics.snapshot().getOrDefault("pypiwatch_rule_transactions_committed_total", 0L), cpu);
    } finally {
      stream.stop();
      loop.join(WAIT.toMillis());
    }
  }

  /**
   * The CPU time (ns) of the stage's threads so far: its loop and, where the stage has one, the
   * thread that decodes and records for it ({@code rules-recording-<group>}).
   */
  private static long stageCpu(Thread loop, String group) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getThreadCpuTime(loop.getId());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("rules-recording-" + group)) {
        cpu += threads.getThreadCpuTime(t.getId());
      }
    }
    return cpu;
  }

  private static void check(long deadline, Thread loop, String what) {
    if (System.nanoTime() > deadline || !loop.isAlive()) {
      throw new IllegalStateException("rule stage: " + what + (loop.isAlive() ? " in time" : ", its loop ended"));
    }
  }

  static Map<TopicPartition, Long> endOffsets(KafkaClients clients, Topics topics) {
    return endOffsets(clients, topics.downloads());
  }

  /** The end offset of each partition of {@code topic}. */
  static Map<TopicPartition, Long> endOffsets(KafkaClients clients, String topic) {
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      List<TopicPartition> parts = c.partitionsFor(topic, WAIT).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      return c.endOffsets(parts, WAIT);
    }
  }

  static boolean committedAtEnd(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    return end.entrySet().stream().allMatch(e -> e.getValue() == 0
        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
  }

  /** The 1-, 5- and 15-minute load averages (from /proc/loadavg where there is one). */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  static double max(double[] xs) {
    return Arrays.stream(xs).max().orElse(Double.NaN);
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package dev.pypiwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.SentRecord;
import dev.pypiwatch.simulate.Answer;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.simulate.Upstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency of the whole service (in process, embedded broker, {@code group-wait: 0s}):
 * from the moment the simulated upstream answered a package's last request of a poll to the
 * moment a webhook receiver on localhost got the spike alert of the package's new day. Plain
 * {@code main}.
 *
 * <p>Each round plays one simulated day: the upstream and the service's clock move on a day, a
 * few packages (a different few each round, so no alert is still firing from an earlier spike)
 * get a spike on the new day, and the service polls. Each alert is timed per stage, from instants
 * taken outside the service: the upstream's answer (the simulator, wrapped), the download
 * records' and the alert's produce timestamps ({@code CreateTime}), the moment each became visible
 * to a {@code read_committed} observer (the commits), the notifier's {@code formed} record (written
 * in the transaction committed just before the webhook is sent) and the receiver's arrival. The
 * first rounds are not counted (warm-up).
 *
 * <p>Reference, measured in the same run and broker between the rounds: a bare transactional
 * produce of one record, then {@code read_committed} consume of it (the floor a Kafka hop imposes;
 * the pipeline has three).
 *
 * <p>Args: [rounds (default 30)] [warm-up rounds (default 5)] [packages (default 30)] [spiking
 * packages a round (default 5)]. {@code -Dbench.port-base=N}: the broker on N, the simulated
 * upstream on N+2, the receiver on N+3 (default: free ports); {@code -Dbench.consumer="k: v, ..."}:
 * the service's {@code kafka.consumer} settings (for experiments). Results: docs/benchmarks.md,
 * section 9.
 */
public final class PipelineLatency {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final LocalDate START = LocalDate.of(2026, 6, 2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "lat";

  private PipelineLatency() {}

  /** The simulator, with the instant of each package's latest answer. */
  private static final class TimedUpstream implements Upstream {
    private final SimulatedUpstream sim;
    final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();

    TimedUpstream(SimulatedUpstream sim) {
      this.sim = sim;
    }

    @Override
    public Answer answer(String pkg, Endpoint endpoint, Map<String, String> query) {
      Answer a = sim.answer(pkg, endpoint, query);
      lastAnswer.put(pkg, micros());
      return a;
    }

    @Override
    public LocalDate today() {
      return sim.today();
    }

    @Override
    public void advance(int days) {
      sim.advance(days);
    }

    @Override
    public List<String> packages() {
      return sim.packages();
    }
  }

  /** What the observer saw, epoch µs. */
  private static final class Seen {
    final Map<String, long[]> downloads = new ConcurrentHashMap<>(); // pkg|day -> [max create, first visible]
    final Map<String, long[]> alerts = new ConcurrentHashMap<>(); // fingerprint|day -> [create, visible]
    final Map<String, long[]> formed = new ConcurrentHashMap<>(); // fingerprint|day -> [create, visible]
    final Map<String, Long> received = new ConcurrentHashMap<>(); // fingerprint|day -> arrival
    volatile boolean stop;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int packages = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int spiking = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int portBase = Integer.getInteger("bench.port-base", 0);
    Path dir = Files.createTempDirectory("pypiwatch-bench-latency-");
    Vertx vertx = Vertx.vertx();
    SimulatedUpstream sim = new SimulatedUpstream(15);
    List<String> names = new ArrayList<>();
    for (int p = 0; p < packages; p++) {
      names.add(String.format(Locale.ROOT, "lat-pkg-%02d", p));
      sim.addPackage(names.get(p), Profile.busy(20_000));
    }
    sim.setToday(START);
    TimedUpstream upstream = new TimedUpstream(sim);
    SimulatorServer server = SimulatorServer.start(vertx, upstream, "localhost", port(portBase, 2), 0)
        .toCompletionStage().toCompletableFuture().get();
    Seen seen = new Seen();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      long at = micros();
      if (req.path().startsWith("/pypi/")) { // PyPI's JSON API stand-in: no releases
        req.response().putHeader("content-type", "application/json")
            .end("{\"info\": {\"name\": \"x\", \"version\": \"1.0\"}, \"releases\": {}, \"urls\": []}");
        return;
      }
      req.response().setStatusCode(200).end("ok");
      try {
        JsonNode n = JSON.readTree(body.getBytes());
        for (JsonNode a : n.get("alerts")) {
          seen.received.putIfAbsent(a.get("fingerprint").asText() + "|" + a.get("date").asText(), at);
        }
      } catch (Exception e) {
        System.err.println("receiver: unreadable body: " + e);
      }
    })).listen(port(portBase, 3), "localhost").toCompletionStage().toCompletableFuture().get();
    String yaml = """
        api: {base-url: "%s", min-interval: 0s, pypi-json-url: "http://localhost:%d/pypi", pypi-json-min-interval: 0s}
        kafka:
          embedded-port: %d
          embedded-data-dir: "%s"
          consumer: {%s}
          topics: {downloads: %s.downloads, recent: %s.recent, poller-state: %s.state, alerts: %s.alerts, partitions: 3}
        poller: {transactional-id: %s-poller}
        http: {enabled: false}
        rule-engine: {group-id: %s-rules, transactional-id-prefix: %s-rules}
        notify:
          group-wait: 0s
          group-id: %s-notifier
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: bot
              webhook: {url: "http://localhost:%d/hook"}
          routes:
            - match: {rules: [spike], states: [firing]}
              receivers: [bot]
        watchlist: [%s]
        """.formatted(server.baseUrl(), receiver.actualPort(), portBase, dir.resolve("kafka"),
        System.getProperty("bench.consumer", ""), PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX,
        PREFIX, PREFIX, receiver.actualPort(), String.join(", ", names));
    AppConfig config = ConfigLoader.parse(yaml, Path.of("bench.yaml"), Map.of());
    SimulatedDayClock clock = new SimulatedDayClock(START);
    Service service = Service.start(config, Map.of(), clock);
    try {
      KafkaClients clients = new KafkaClients(config.kafka(), service.bootstrapServers());
      // The first poll backfills ~180 days (history, nothing sent); wait for both stages to finish it.
      service.poller().idle().toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      try (Admin admin = clients.newAdmin()) {
        awaitCaughtUp(clients, admin, PREFIX + "-rules", PREFIX + ".downloads");
        awaitCaughtUp(clients, admin, PREFIX + "-notifier", PREFIX + ".alerts");
      }
      System.out.printf("backfilled; broker %s, %d packages, %d spiking a round; load %s%n",
          service.bootstrapServers(), packages, spiking, RuleStageThroughput.load());
      Thread observer = new Thread(() -> observe(clients, seen), "bench-observer");
      observer.start();
      List<long[]> samples = new ArrayList<>(); // per alert: answer, dl create, dl visible, alert create, alert
      // visible, formed create, formed visible, received
      List<Long> floor = new ArrayList<>();
      int next = 0;
      try (KafkaProducer<String, byte[]> floorProducer = clients.newTransactionalProducer(PREFIX + "-floor");
          KafkaConsumer<String, byte[]> floorConsumer = clients.newConsumer(null)) {
        TopicPartition floorTp = new TopicPartition(PREFIX + ".recent", 0);
        floorConsumer.assign(List.of(floorTp));
        floorConsumer.seekToEnd(List.of(floorTp));
        floorConsumer.position(floorTp);
        for (int r = 0; r < warmUp + rounds; r++) {
          sim.advance(1);
          LocalDate day = sim.today().minusDays(1);
          clock.setDay(sim.today());
          List<String> spiked = new ArrayList<>();
          for (int k = 0; k < spiking; k++) {
            String pkg = names.get(next++ % names.size());
            long usual = sim.count(pkg, Endpoint.OVERALL, "without_mirrors", day);
            sim.revise(pkg, day, (int) (5 * usual));
            spiked.add(pkg);
          }
          upstream.lastAnswer.clear();
          service.poller().pollNow().toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          Map<String, Long> answered = Map.copyOf(upstream.lastAnswer);
          long deadline = System.nanoTime() + WAIT.toNanos();
          Set<String> waiting = new HashSet<>(spiked);
          List<String> fps = new ArrayList<>();
          while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("round " + r + ": no spike alert received for " + waiting);
            }
            for (String key : seen.received.keySet()) {
              String fp = key.substring(0, key.indexOf('|'));
              if (key.endsWith("|" + day) && fp.startsWith("spike:")) {
                String pkg = fp.split(":")[1];
                if (waiting.remove(pkg)) {
                  // counted once the package's first alert arrived; its others came in the same notification
                }
              }
            }
            Thread.sleep(1);
          }
          // The observer may see a commit a little after the receiver got the notification.
          Thread.sleep(300);
          int counted = 0;
          for (String key : seen.received.keySet()) {
            String fp = key.substring(0, key.indexOf('|'));
            if (!key.endsWith("|" + day) || !fp.startsWith("spike:")) {
              continue;
            }
            String pkg = fp.split(":")[1];
            long[] dl = seen.downloads.get(pkg + "|" + day);
            long[] al = seen.alerts.get(key);
            long[] fo = seen.formed.get(key);
            Long answer = answered.get(pkg);
            if (answer == null || dl == null || al == null || fo == null) {
              System.out.printf("round %d: %s incomplete (answer %s, downloads %s, alert %s, formed %s)%n", r, key,
                  answer, dl != null, al != null, fo != null);
              continue;
            }
            fps.add(fp);
            if (r >= warmUp) {
              samples.add(new long[] {answer, dl[0], dl[1], al[0], al[1], fo[0], fo[1], seen.received.get(key)});
              counted++;
            }
          }
          // The floor, 10 times a round on the same broker.
          for (int i = 0; i < 10; i++) {
            long t0 = micros();
            floorProducer.beginTransaction();
            floorProducer.send(new ProducerRecord<>(floorTp.topic(), 0, "floor", new byte[] {1}));
            floorProducer.commitTransaction();
            long got = 0;
            while (got == 0) {
              for (ConsumerRecord<String, byte[]> c : floorConsumer.poll(Duration.ofMillis(500))) {
                if ("floor".equals(c.key())) {
                  got = micros();
                }
              }
            }
            if (r >= warmUp) {
              floor.add(got - t0);
            }
          }
          System.out.printf("round %d%s: %s spiked, %d alerts received%s; load %s%n", r + 1, r < warmUp ? " (warm-up)" : "",
              day, fps.size(), r >= warmUp ? " (" + counted + " counted)" : "", RuleStageThroughput.load());
        }
      }
      seen.stop = true;
      observer.join(10_000);
      report(samples, floor);
    } finally {
      service.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static void report(List<long[]> samples, List<Long> floor) {
    String[] stages = {
      "upstream answer -> poller's download records produced",
      "  -> poller's transaction committed (records visible)",
      "  -> rule stage produced the alert",
      "  -> rule stage's transaction committed (alert visible)",
      "  -> notifier formed the notification (record produced)",
      "  -> notifier's transaction committed (formed visible)",
      "  -> webhook receiver got it",
    };
    System.out.printf("%n%d alerts; ms: p50 / p90 / p99 / max%n", samples.size());
    for (int s = 0; s < stages.length; s++) {
      final int i = s;
      print(stages[s], samples.stream().mapToLong(x -> x[i + 1] - x[i]).toArray());
    }
    print("TOTAL upstream answer -> receiver", samples.stream().mapToLong(x -> x[7] - x[0]).toArray());
    print("REFERENCE transactional produce -> read_committed consume", floor.stream().mapToLong(Long::longValue).toArray());
    System.out.printf("load after: %s%n", RuleStageThroughput.load());
  }

  private static void print(String what, long[] micros) {
    long[] s = micros.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "%-60s %8.1f %8.1f %8.1f %8.1f%n", what, pct(s, 50), pct(s, 90), pct(s, 99),
        s.length == 0 ? Double.NaN : s[s.length - 1] / 1000.0);
  }

  /** The nearest-rank percentile, ms. */
  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1000.0;
  }

  /** Reads the downloads, alerts and sent topics from their ends, noting when each record became visible. */
  private static void observe(KafkaClients clients, Seen seen) {
    try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(PREFIX + ".downloads", PREFIX + ".alerts", PREFIX + ".sent")) {
        c.partitionsFor(topic, WAIT).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      }
      c.assign(parts);
      c.seekToEnd(parts);
      parts.forEach(c::position);
      while (!seen.stop) {
        var records = c.poll(Duration.ofMillis(100));
        long at = micros();
        for (ConsumerRecord<String, byte[]> r : records) {
          long created = r.timestamp() * 1000;
          if (r.topic().endsWith(".downloads")) {
            DownloadRecord d = EventCodec.decodeRecord(r.value());
            long[] v = seen.downloads.computeIfAbsent(d.packageName() + "|" + d.date(), k -> new long[] {0, at});
            v[0] = Math.max(v[0], created);
          } else if (r.topic().endsWith(".alerts")) {
            Alert a = AlertCodec.decode(r.value());
            if (a.state() == AlertState.FIRING) {
              seen.alerts.putIfAbsent(a.fingerprint() + "|" + a.date(), new long[] {created, at});
            }
          } else {
            SentRecord s = NotificationCodec.decodeSent(r.value());
            if (s.outcome() == SentRecord.Outcome.FORMED) {
              seen.formed.putIfAbsent(s.subject() + "|" + s.date(), new long[] {created, at});
            }
          }
        }
      }
    }
  }

  /** Waits until {@code group} has committed the end of every partition of {@code topic}. */
  private static void awaitCaughtUp(KafkaClients clients, Admin admin, String group, String topic) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Map<TopicPartition, Long> end;
      try (KafkaConsumer<String, byte[]> c = clients.newConsumer(null)) {
        List<TopicPartition> parts = c.partitionsFor(topic, WAIT).stream()
            .map(i -> new TopicPartition(topic, i.partition())).toList();
        end = c.endOffsets(parts, WAIT);
      }
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      if (end.entrySet().stream().allMatch(e -> e.getValue() == 0
          || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(group + " did not catch up with " + topic + ": " + committed + " vs " + end);
      }
      Thread.sleep(100);
    }
  }

  private static int port(int base, int offset) {
    return base == 0 ? 0 : base + offset;
  }

  /** Now, epoch µs (the clock Kafka's timestamps use, finer). */
  private static long micros() {
    Instant now = Instant.now();
    return ChronoUnit.MICROS.between(Instant.EPOCH, now);
  }
}

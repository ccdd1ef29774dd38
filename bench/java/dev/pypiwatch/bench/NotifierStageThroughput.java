package dev.pypiwatch.bench;

import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.notify.Channels;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.notify.Outbox;
import dev.pypiwatch.notify.stream.NotificationStream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The notifier stage as the service runs it ({@link NotificationStream}: its loop, the outbox's
 * decisions, a webhook attempt per notification, sent records and offsets committed in one
 * transaction per step) vs a plain consumer (same consumer settings, {@code read_committed}, values
 * left alone) reading the same alerts topic on the same embedded broker; each from a fresh group,
 * on one loop thread each, interleaved over rounds. Plain {@code main}.
 *
 * <p>The alerts topic holds {@code alerts} firing spike transitions of yesterday, each of its own
 * package (news: every one is sent), published as the rule stage does (encoded by {@link
 * AlertCodec}, CloudEvents headers, 100 a transaction). The stage sends each to a webhook receiver
 * on localhost that answers 200 at once ({@code group-wait: 0s}; Vert.x's HTTP client runs on its
 * event loop, besides the loop thread). Each run is timed from its group's consumer's first poll that
 * returned alerts (a consumer interceptor notes it, for both sides) to the last:
 * for the stage, to its group's offsets committed at the end of every partition, which the
 * notifier does only once every alert there is delivered and recorded. A first round of each is
 * not counted (warm-up).
 *
 * <p>Each round also prints the CPU time an alert of the notifier's loop thread (from its first poll
 * that returned alerts to its offsets committed at the end) and of the plain consumer's thread:
 * steadier than the rates on a shared machine.
 *
 * <p>Args: [alerts (default 5000)] [rounds (default 7)]. {@code -Dbench.port-base=N}: the broker
 * on N and its controller on N+1, the receiver on N+2 (default: free ports). {@code
 * -Dbench.max-poll-records=N}: {@code max.poll.records} for both sides. Results:
 * docs/benchmarks.md, section 10.
 */
public final class NotifierStageThroughput {
  private static final Duration WAIT = Duration.ofMinutes(3);
  /**
   * {@code -Dbench.history=true}: the alerts are 30 days old, history to the notifier (older than
   * {@code max-alert-age}): read, judged and committed, none sent, as after a first start's backfill.
   */
  /** Alerts a webhook notification holds at most (the notifier's cap). */
  private static final int BATCH = 100;
  private static final boolean HISTORY = Boolean.getBoolean("bench.history");
  /** Group -> the CPU time (ns) of its notifier's loop thread from its first alerts polled to its offsets at the end. */
  private static final Map<String, Long> CPU = new ConcurrentHashMap<>();

  private NotifierStageThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int portBase = Integer.getInteger("bench.port-base", 0);
    KafkaConfig.TopicsConfig topicsConfig = new KafkaConfig.TopicsConfig("nbench.downloads", "nbench.recent",
        "nbench.state", "nbench.alerts", "nbench.silences", "nbench.rule-state", 3, (short) 1);
    Topics topics = Topics.from(topicsConfig);
    // The notifier's clock starts when its group's consumer first returns alerts (history is read without a hook).
    // -Dbench.max-poll-records=N: kafka.consumer's max.poll.records for both sides (default: the client's, 500).
    Map<String, String> consumer = new java.util.HashMap<>(Map.of("interceptor.classes", FirstRecords.class.getName()));
    String maxPoll = System.getProperty("bench.max-poll-records");
    if (maxPoll != null) {
      consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
    }
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topicsConfig, Map.of(), Map.of(), Map.copyOf(consumer));
    Path dir = Files.createTempDirectory("pypiwatch-bench-kafka-");
    Vertx vertx = Vertx.vertx();
    AtomicLong requests = new AtomicLong();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      requests.incrementAndGet();
      req.response().setStatusCode(200).end("ok");
    })).listen(portBase == 0 ? 0 : portBase + 2, "localhost").toCompletionStage().toCompletableFuture().get();
    try (EmbeddedKafka broker = RuleStageThroughput.startBroker(dir, portBase)) {
      KafkaClients clients = new KafkaClients(config, broker.bootstrapServers());
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, topicsConfig);
      }
      List<String> packages = publish(clients, topics, n);
      System.out.printf("alerts: %,d (firing spikes of %s, one package each%s), broker %s, load before: %s%n", n,
          LocalDate.now(ZoneOffset.UTC).minusDays(HISTORY ? 30 : 1), HISTORY ? ", history: none sent" : "",
          broker.bootstrapServers(), RuleStageThroughput.load());
      double[] plain = new double[rounds];
      double[] stage = new double[rounds];
      double[] bare = new double[rounds];
      double[] plainCpu = new double[rounds];
      double[] stageCpu = new double[rounds];
      WebClient web = WebClient.create(vertx);
      int port = receiver.actualPort();
      try (Admin admin = clients.newAdmin()) {
        double warmPlain = RuleStageThroughput.plainConsumer(clients, topics.alerts(), n, "nplain-warm-up");
        double warmStage = notifier(clients, topics, admin, vertx, port, packages, n, "notify-warm-up");
        double warmBare = HISTORY ? 0 : bareDelivery(clients, topics, web, port, n, "nbare-warm-up");
        System.out.printf("warm-up (not counted): plain consumer %,.0f alerts/s, notifier %,.0f alerts/s%s%n", warmPlain,
            warmStage, HISTORY ? "" : String.format(", bare delivery %,.0f alerts/s", warmBare));
        for (int r = 0; r < rounds; r++) {
          long before = requests.get();
          if (r % 2 == 0) {
            var reading = RuleStageThroughput.plainConsumerTimed(clients, topics.alerts(), n, "nplain-" + r);
            plain[r] = reading.rate();
            plainCpu[r] = reading.cpuNanos() / 1e3 / n;
            bare[r] = HISTORY ? 0 : bareDelivery(clients, topics, web, port, n, "nbare-" + r);
            long beforeStage = requests.get();
            stage[r] = notifier(clients, topics, admin, vertx, port, packages, n, "notify-" + r);
            stageCpu[r] = CPU.get("notify-" + r) / 1e3 / n;
            before = beforeStage;
          } else {
            stage[r] = notifier(clients, topics, admin, vertx, port, packages, n, "notify-" + r);
            stageCpu[r] = CPU.get("notify-" + r) / 1e3 / n;
            long stageRequests = requests.get() - before;
            bare[r] = HISTORY ? 0 : bareDelivery(clients, topics, web, port, n, "nbare-" + r);
            var reading = RuleStageThroughput.plainConsumerTimed(clients, topics.alerts(), n, "nplain-" + r);
            plain[r] = reading.rate();
            plainCpu[r] = reading.cpuNanos() / 1e3 / n;
            before = requests.get() - stageRequests;
          }
          System.out.printf("round %d: plain consumer %,.0f alerts/s, notifier %,.0f alerts/s (%,d webhook requests), "
              + "ratio %.3f%s, load %s%n", r + 1, plain[r], stage[r], requests.get() - before, stage[r] / plain[r],
              HISTORY ? "" : String.format("; bare delivery %,.0f alerts/s, notifier / bare %.3f", bare[r],
                  stage[r] / bare[r]), RuleStageThroughput.load());
          System.out.printf("round %d: CPU an alert: plain consumer %.2f µs, notifier %.2f µs (its loop thread)%n", r + 1,
              plainCpu[r], stageCpu[r]);
        }
      }
      double[] ratio = new double[rounds];
      Arrays.setAll(ratio, i -> stage[i] / plain[i]);
      System.out.printf("plain consumer (reference): median %,.0f alerts/s (min %,.0f, max %,.0f)%n",
          RuleStageThroughput.median(plain), Arrays.stream(plain).min().orElse(0), Arrays.stream(plain).max().orElse(0));
      System.out.printf("notifier (NotificationStream): median %,.0f alerts/s (min %,.0f, max %,.0f)%n",
          RuleStageThroughput.median(stage), Arrays.stream(stage).min().orElse(0), Arrays.stream(stage).max().orElse(0));
      System.out.printf("ratio notifier / plain: median %.3f (min %.3f, max %.3f) over %d rounds; load after: %s%n",
          RuleStageThroughput.median(ratio), Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0),
          rounds, RuleStageThroughput.load());
      double[] cpuRatio = new double[rounds];
      Arrays.setAll(cpuRatio, i -> plainCpu[i] / stageCpu[i]);
      System.out.printf("CPU an alert: plain consumer median %.2f µs, notifier median %.2f µs (min %.2f, max %.2f); "
          + "plain / notifier: median %.3f (min %.3f, max %.3f)%n", RuleStageThroughput.median(plainCpu),
          RuleStageThroughput.median(stageCpu), Arrays.stream(stageCpu).min().orElse(0),
          Arrays.stream(stageCpu).max().orElse(0), RuleStageThroughput.median(cpuRatio),
          Arrays.stream(cpuRatio).min().orElse(0), Arrays.stream(cpuRatio).max().orElse(0));
      if (!HISTORY) {
        double[] toBare = new double[rounds];
        Arrays.setAll(toBare, i -> stage[i] / bare[i]);
        System.out.printf("bare delivery (reference 2): median %,.0f alerts/s (min %,.0f, max %,.0f)%n",
            RuleStageThroughput.median(bare), Arrays.stream(bare).min().orElse(0), Arrays.stream(bare).max().orElse(0));
        System.out.printf("ratio notifier / bare delivery: median %.3f (min %.3f, max %.3f)%n",
            RuleStageThroughput.median(toBare), Arrays.stream(toBare).min().orElse(0),
            Arrays.stream(toBare).max().orElse(0));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
      RuleStageThroughput.deleteRecursively(dir);
    }
  }

  /** Publishes {@code n} firing spikes of yesterday, one package each, 100 a transaction; their packages. */
  private static List<String> publish(KafkaClients clients, Topics topics, int n) {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(HISTORY ? 30 : 1);
    List<String> packages = new ArrayList<>(n);
    try (KafkaProducer<String, byte[]> p = clients.newTransactionalProducer("nbench-rules")) {
      for (int i = 0; i < n; i += 100) {
        p.beginTransaction();
        for (int j = i; j < Math.min(n, i + 100); j++) {
          String pkg = "package-" + j;
          packages.add(pkg);
          Alert a = new Alert("spike:" + pkg + ":overall:without_mirrors", pkg, "spike", "overall", "without_mirrors",
              day, AlertState.FIRING, Severity.WARNING, 5000, 1000, 9.5, pkg + ": downloads spiked", Alert.linkOf(pkg));
          p.send(new ProducerRecord<>(topics.alerts(), null, a.fingerprint(), AlertCodec.encode(a),
              CloudEventHeaders.forAlert(a, false)));
        }
        p.commitTransaction();
      }
    }
    return packages;
  }

  /**
   * Alerts/s of the bare work of a delivery, the second reference: a plain consumer of a fresh group
   * decodes each alert ({@link AlertCodec}) and posts them to the same receiver in the notifier's
   * batches of 100, one request at a time as the notifier does to one receiver, then commits its
   * offsets once (no transactions, no outbox, no sent records: what any notifier must at least do).
   */
  private static double bareDelivery(KafkaClients clients, Topics topics, WebClient web, int port, long n,
      String group) {
    List<Alert> batch = new ArrayList<>(BATCH);
    long[] seen = {0};
    return RuleStageThroughput.consume(clients, topics.alerts(), n, group, r -> {
      batch.add(AlertCodec.decode(r.value()));
      if (++seen[0] == n || batch.size() == BATCH) {
        post(web, port, batch);
        batch.clear();
      }
    }, KafkaConsumer::commitSync);
  }

  /** Posts the alerts as one JSON array and waits for the receiver's 200. */
  private static void post(WebClient web, int port, List<Alert> alerts) {
    StringBuilder body = new StringBuilder("[");
    for (Alert a : alerts) {
      body.append(body.length() > 1 ? "," : "").append(new String(AlertCodec.encode(a), StandardCharsets.UTF_8));
    }
    var response = web.post(port, "localhost", "/hook").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body.append(']').toString())).toCompletionStage().toCompletableFuture()
        .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("receiver answered " + response.statusCode());
    }
  }

  /**
   * Alerts/s of the notifier of a fresh group, sent topic and transactional id: from its first alert
   * read to the group's offsets committed at the end of every partition (every alert delivered and
   * recorded).
   */
  private static double notifier(KafkaClients clients, Topics topics, Admin admin, Vertx vertx, int port,
      List<String> packages, long n, String group) throws Exception {
    String yaml = """
        notify:
          group-wait: 0s
          group-id: %s
          sent-topic: %s.sent
          dlq-topic: %s.dlq
          receivers:
            - name: bot
              webhook: {url: "http://localhost:%d/hook"}
          routes:
            - match: {rules: [spike], states: [firing]}
              receivers: [bot]
        watchlist: [package-0]
        """.formatted(group, group, group, port);
    NotifyConfig notify = ConfigLoader.parse(yaml, Path.of("bench.yaml"), Map.of()).notifications();
    TopicAdmin.ensureNotificationTopics(admin, notify.sentTopic(), notify.dlqTopic(),
        clients.config().topics(), clients.bootstrapServers());
    NotifyMetrics metrics = new NotifyMetrics(List.of("bot"));
    NotificationStream stream = new NotificationStream(clients, topics, notify,
        new Outbox(notify, () -> packages, Instant.now()),
        Channels.senders(notify.receivers(), r -> Channels.create(vertx, r)), group + "-0", Clock.systemUTC(), metrics,
        Duration.ofSeconds(10), a -> { });
    stream.open();
    Thread loop = new Thread(stream::run, "bench-notifier");
    loop.start();
    try {
      Map<TopicPartition, Long> end = RuleStageThroughput.endOffsets(clients, topics.alerts());
      long deadline = System.nanoTime() + WAIT.toNanos();
      // A catch-up is first watched by the loop's own count (1 ms polls of a counter), then by the group's
      // offsets: an admin request every 2 ms all along loaded the broker, which shares the 2 cores with the
      // stage, a cost the plain consumer's run did not carry (RuleStageThroughput waits the same way).
      while (HISTORY && metrics.snapshot().get("pypiwatch_notifications_history_total") < n) {
        if (System.nanoTime() > deadline || !loop.isAlive()) {
          throw new IllegalStateException("notifier: history not counted; " + metrics.snapshot());
        }
        Thread.sleep(1);
      }
      while (!RuleStageThroughput.committedAtEnd(admin, group, end)) {
        if (System.nanoTime() > deadline || !loop.isAlive()) {
          throw new IllegalStateException("notifier: offsets not committed at the end; sent " + metrics.sentTo("bot"));
        }
        Thread.sleep(2);
      }
      long elapsed = System.nanoTime() - FirstRecords.FIRST.get(group);
      CPU.put(group, ManagementFactory.getThreadMXBean().getThreadCpuTime(loop.getId())
          - FirstRecords.FIRST_CPU.get(group));
      boolean expected = HISTORY ? metrics.sentTo("bot") == 0 && metrics.snapshot()
          .get("pypiwatch_notifications_history_total") == n : metrics.sentTo("bot") > 0;
      if (!expected || metrics.failedAttemptsTo("bot") != 0) {
        throw new IllegalStateException("notifier: " + metrics.snapshot());
      }
      return n / (elapsed / 1e9);
    } finally {
      stream.stop();
      loop.join(WAIT.toMillis());
    }
  }

  /** Notes when each group's consumer first returned records: where a run's clock starts. */
  public static final class FirstRecords implements ConsumerInterceptor<String, byte[]> {
    static final Map<String, Long> FIRST = new ConcurrentHashMap<>();
    /** The polling thread's CPU time (ns) at that poll: the notifier's loop thread for the notifier's group. */
    static final Map<String, Long> FIRST_CPU = new ConcurrentHashMap<>();
    private String group;

    @Override
    public void configure(Map<String, ?> configs) {
      Object g = configs.get(ConsumerConfig.GROUP_ID_CONFIG);
      group = g == null ? null : g.toString();
    }

    @Override
    public ConsumerRecords<String, byte[]> onConsume(ConsumerRecords<String, byte[]> records) {
      if (group != null && !records.isEmpty()) {
        if (FIRST.putIfAbsent(group, System.nanoTime()) == null) {
          FIRST_CPU.put(group, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        }
      }
      return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}
  }


}

package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.notify.WebhookNotifier;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The crash-loop suite (issue 14): the packaged jar, with its embedded broker, is killed with
 * {@code kill -9} at random points of its cycle (while the broker recovers, right after a poll
 * published, 0-4 s after a webhook POST) while the upstream's days move on and its counts are
 * revised; then everything it committed and sent is compared with an uninterrupted run over the
 * same upstream script. Nothing may be missing and nothing twice: the committed download records,
 * the alert transitions, the webhook deliveries (by {@code Idempotency-Key} and by transition),
 * and every revision's {@code previous_downloads}.
 *
 * <p>Seeded: {@code -Dcrashloop.seed=N} replays a run (the seed is printed), {@code
 * -Dcrashloop.kills=N} sets the number of kills (default 3, the CI run; {@code -Pcrashloop} runs
 * 50), {@code -Dcrashloop.sharded=true} runs the poller sharded by its group. Per restart it prints the seconds to {@code /ready} and to the first alert of a pending
 * day; no bound is asserted on them. Logs of every process: {@code target/crashloop/}.
 *
 * <p>The service's clock is the real one, so the script is anchored on today (UTC): the upstream
 * starts {@code steps} days late and each step publishes one more day. A run that crosses midnight
 * UTC is aborted (the service's "today" would move under it).
 */
class CrashLoopIT {
  private static final int KILLS = Integer.getInteger("crashloop.kills", 3);
  private static final long SEED = Long.getLong("crashloop.seed", new SecureRandom().nextLong());
  private static final Path LOGS = Path.of("target/crashloop");
  /** Only a hung or broken service reaches these; a loaded 2-core machine is slow. */
  private static final Duration START = Duration.ofMinutes(3);
  private static final Duration SETTLE = Duration.ofMinutes(4);
  private static final String CYCLE_DONE = "poll cycle done [";
  private static final String PUBLISHED = "published [package: ";
  private static final String RULES_GROUP = "pypiwatch-rules";
  private static final String NOTIFIER_GROUP = "pypiwatch-notifier";
  private static final TopicsConfig TOPICS = TopicsConfig.DEFAULTS;
  private static final List<String> BUSY = List.of("alpha", "beta", "gamma");
  /**
   * The consumers' session timeout (ms) in the service's config; empty (the default): the service's
   * own settings, Kafka's 45 s, which a restart does not wait for (static group membership).
   */
  private static final String SESSION_TIMEOUT_MS = System.getProperty("crashloop.session-timeout-ms", "");
  /** {@code -Dcrashloop.sharded=true}: the poller takes its packages from its group ({@code poller.sharded}). */
  private static final boolean SHARDED = Boolean.parseBoolean(System.getProperty("crashloop.sharded", "false"));
  /** How long after a POST a kill may come for the resend of the same notification to be the documented window. */
  private static final Duration RESEND_WINDOW = Duration.ofSeconds(10);
  private static final Duration ARRIVAL_LAG = Duration.ofSeconds(2);

  /** Where a kill lands. */
  enum Mode {
    /** 0-6 s after the process started (broker recovery, state rebuild) or after the step's change (mid-poll). */
    RECOVERY,
    /** Right after the log says a poll published a package's records (or its cycle ended). */
    PUBLISHED,
    /** 0-4 s after the receiver got a webhook POST (or the step settled without one). */
    WEBHOOK
  }

  /** One kill: in which step, where, and the random delay its mode uses. */
  record Kill(int step, Mode mode, long delayMillis) {}

  /** The identity of a download fact. */
  record Fact(String pkg, String endpoint, String category, LocalDate date) {}

  /** A committed download record, as the comparison sees it. */
  record Published(Fact fact, long downloads, Long previous) {}

  /** An alert transition. */
  record Transition(String fingerprint, String state, LocalDate date) {}

  /** A webhook POST as the receiver got it. */
  record Delivery(String key, List<Transition> transitions, long arrivalNanos) {}

  /** A killed process of a run: when it started and when it was killed. */
  record Span(long startNanos, long killNanos) {
    /**
     * True if a POST that reached the receiver at {@code nanos} was sent by this life. A POST sent
     * just before the kill may be handled by the receiver (its own event loop, a loaded machine)
     * after the kill was recorded: up to {@link #ARRIVAL_LAG} later still counts, far less than
     * the next life takes to start (its JVM and broker).
     */
    boolean covers(long nanos) {
      return nanos >= startNanos && nanos < killNanos + ARRIVAL_LAG.toNanos();
    }
  }

  /**
   * A restart after a kill: the kill, the new process's start, /ready after it (null: killed before),
   * how many POSTs the receiver had got at the kill and the newest upstream day then.
   */
  record Restart(Kill kill, long startNanos, Double readySeconds, int deliveredBefore, LocalDate newestDay) {}

  /** What a run committed and sent, and how its restarts went. */
  record Outcome(List<Published> records, List<Transition> alerts, List<Delivery> deliveries, List<Restart> restarts,
      List<Span> spans, Double firstReadySeconds, Duration wall) {}

  @Test
  void killNineLosesNothingAndSendsNothingTwice() throws Exception {
    deleteRecursively(LOGS);
    say("crashloop: seed " + SEED + ", kills " + KILLS + ", consumer session timeout "
        + (SESSION_TIMEOUT_MS.isEmpty() ? "the default" : SESSION_TIMEOUT_MS + " ms")
        + " (replay: -Dcrashloop.seed=" + SEED + " -Dcrashloop.kills=" + KILLS + ")");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Random random = new Random(SEED);
    int steps = KILLS + 2;
    Script script = Script.random(random, today, steps);
    List<Kill> kills = plan(random, KILLS, steps);
    say("crashloop: " + steps + " steps; kills " + kills);

    // Side by side: the uninterrupted run is short, and the crashed one spends most of its time waiting.
    ExecutorService side = Executors.newSingleThreadExecutor();
    Future<Outcome> uninterrupted = side.submit(() -> new Run("uninterrupted", script, List.of()).play());
    Outcome crashed = new Run("crashed", script, kills).play();
    Outcome calm = uninterrupted.get();
    side.shutdown();
    Assumptions.assumeTrue(LocalDate.now(ZoneOffset.UTC).equals(today),
        "the run crossed midnight UTC: the service's today moved under the script; run it again");

    report(calm, crashed);
    for (Outcome o : List.of(calm, crashed)) {
      assertEquals(List.of(), duplicates(o.records()), "download records committed twice");
      assertEquals(List.of(), wrongPrevious(o.records()), "revisions with a wrong previous_downloads");
      assertEquals(List.of(), duplicates(o.alerts()), "alert transitions published twice");
      assertEquals(List.of(), duplicates(delivered(o)), "transitions delivered in two notifications");
      assertEquals(List.of(), resentOutsideTheWindow(o), "webhook POSTs sent again with no kill -9 right after "
          + "the first (only the documented window may resend, with the same Idempotency-Key)");
    }
    assertEquals(List.of(), minus(calm.records(), crashed.records()), "download records missing after the crashes");
    assertEquals(List.of(), minus(crashed.records(), calm.records()), "download records only the crashed run has");
    assertEquals(new TreeSet<>(strings(calm.alerts())), new TreeSet<>(strings(crashed.alerts())), "alert transitions");
    assertEquals(new TreeSet<>(strings(delivered(calm))), new TreeSet<>(strings(delivered(crashed))),
        "transitions delivered to the webhook");
    assertEquals(KILLS, crashed.restarts().size());
    // The comparison means something only if the script made the service work.
    assertTrue(calm.records().stream().anyMatch(p -> p.previous() != null), "the script revised no count");
    assertFalse(delivered(calm).isEmpty(), "the script raised no alert that was sent");
  }

  /** {@code kills} kills at random steps (0: during the first start's backfill) and modes. */
  static List<Kill> plan(Random random, int kills, int steps) {
    List<Kill> out = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      out.add(new Kill(random.nextInt(steps + 1), Mode.values()[random.nextInt(Mode.values().length)],
          random.nextInt(6_001)));
    }
    out.sort(Comparator.comparingInt(Kill::step));
    return out;
  }

  /**
   * The upstream's script: three busy packages and a tiny one, today's data {@code steps} days
   * late; step {@code i} publishes one more day, with a x5 spike of one package on it (so each step
   * has news: that firing, and the previous spike's resolution) and one or two revised counts of
   * the days before.
   */
  record Script(LocalDate today, int steps, Map<Integer, List<Revision>> revisions) {
    /** {@code delta} more downloads of {@code pkg} on {@code date}. */
    record Revision(String pkg, LocalDate date, int delta) {}

    static Script random(Random random, LocalDate today, int steps) {
      Map<Integer, List<Revision>> revisions = new TreeMap<>();
      for (int step = 1; step <= steps; step++) {
        LocalDate newDay = newest(today, steps, step);
        List<Revision> r = new ArrayList<>();
        String spiking = BUSY.get(step % BUSY.size());
        r.add(new Revision(spiking, newDay, (int) (4 * level(spiking))));
        for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
          r.add(new Revision(BUSY.get(random.nextInt(BUSY.size())), newDay.minusDays(1 + random.nextInt(6)),
              1 + random.nextInt(40)));
        }
        revisions.put(step, r);
      }
      return new Script(today, steps, revisions);
    }

    /** The newest published day after step {@code step}. */
    static LocalDate newest(LocalDate today, int steps, int step) {
      return today.minusDays(1L + steps - step);
    }

    static double level(String pkg) {
      return switch (pkg) {
        case "alpha" -> 20_000;
        case "beta" -> 6_000;
        default -> 1_500;
      };
    }

    /** A fresh upstream at step 0. */
    SimulatedUpstream upstream() {
      SimulatedUpstream sim = new SimulatedUpstream(20_261_207L);
      BUSY.forEach(p -> sim.addPackage(p, Profile.busy(level(p))));
      sim.addPackage("delta", Profile.tiny(3));
      return sim.setToday(today).lag(steps);
    }

    /** Step {@code step}'s change, at once: a poll sees all of it or none. */
    void apply(SimulatedUpstream sim, int step) {
      synchronized (sim) { // its methods lock the same monitor: an answer waits for the whole step
        revisions.get(step).forEach(r -> sim.revise(r.pkg(), r.date(), r.delta()));
        sim.lag(steps - step);
      }
    }

    LocalDate newest(int step) {
      return newest(today, steps, step);
    }
  }

  /** One run of the service over the script, killed as planned; the Kafka data is kept across restarts. */
  private static final class Run {
    private final String name;
    private final Script script;
    private final List<Kill> kills;
    private final Path dir;
    private final List<Restart> restarts = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private FakeReceiver receiver;
    private Path config;
    private Life life;
    private int lives;
    private int step;
    private Double firstReady; // of the first process: a start on an empty data directory

    Run(String name, Script script, List<Kill> kills) {
      this.name = name;
      this.script = script;
      this.kills = kills;
      this.dir = LOGS.resolve(name).toAbsolutePath();
    }

    Outcome play() throws IOException {
      long began = System.nanoTime();
      Vertx vertx = Vertx.vertx();
      try {
        SimulatedUpstream sim = script.upstream();
        FakePypiStats upstream = FakePypiStats.startBlocking(vertx);
        upstream.serve(sim);
        receiver = FakeReceiver.startBlocking(vertx);
        config = writeConfig(upstream.baseUrl(), receiver.url("/hook"));
        life = new Life(start());
        killAll();
        settle();
        for (step = 1; step <= script.steps(); step++) {
          script.apply(sim, step);
          life.arm();
          assertEquals(202, life.process.post("/poll"), life.process.tail());
          killAll();
          settle();
          log("step " + step + " settled (newest day " + script.newest(step) + ", " + receiver.requests().size()
              + " webhook POSTs in all)");
        }
        Outcome o = collect(Duration.ofNanos(System.nanoTime() - began));
        life.closeAdmin(); // before the broker goes: its reconnection warnings would only clutter the output
        assertEquals(143, life.process.stop(START), "stops on SIGTERM: " + life.process.tail());
        return o;
      } finally {
        if (life != null) {
          life.close();
        }
        Await.result(vertx.close());
      }
    }

    /** The kills planned for the current step, each followed by a restart. */
    private void killAll() {
      for (Kill k : kills.stream().filter(k -> k.step() == step).toList()) {
        awaitTrigger(k);
        int delivered = receiver.requests().size();
        long killed = System.nanoTime();
        life.close();
        finish(life, killed);
        log("kill -9 pid " + life.process.pid() + " (" + k.mode() + ", step " + step + ", "
            + format(seconds(Duration.ofNanos(killed - life.process.startedNanos()))) + " s after its start)");
        life = new Life(start());
        life.restart = restarts.size();
        restarts.add(new Restart(k, life.process.startedNanos(), null, delivered, script.newest(step)));
      }
    }

    /** Waits for the moment {@code k} strikes in the current life. */
    private void awaitTrigger(Kill k) {
      Life l = life;
      long from = Math.max(l.process.startedNanos(), l.armedNanos);
      switch (k.mode()) {
        // A chosen moment, not a wait for a condition: that is the fault being injected.
        case RECOVERY -> watch(() -> System.nanoTime() - from >= k.delayMillis() * 1_000_000);
        case PUBLISHED -> watch(() -> l.process.count(PUBLISHED) > l.publishedAtArm
            || l.process.count(CYCLE_DONE) > l.cyclesAtArm);
        case WEBHOOK -> {
          watch(() -> receiver.requests().size() > l.deliveredAtArm || settled(l));
          long at = System.nanoTime();
          long delay = k.delayMillis() * 4 / 6; // 0-4 s
          watch(() -> System.nanoTime() - at >= delay * 1_000_000);
        }
      }
    }

    /** Waits until the current life has polled since the step's change and every stage has committed it. */
    private void settle() {
      Life l = life;
      watch(() -> l.readyAfter != null && settled(l), SETTLE, () -> "not settled: " + l.process.tail());
      finish(l, Long.MAX_VALUE);
    }

    /** Keeps what life {@code l} showed, once: when it settled or was killed. */
    private void finish(Life l, long killNanos) {
      if (l.number == 1 && l.readyAfter != null) {
        firstReady = seconds(l.readyAfter);
      }
      if (l.restart >= 0) {
        Restart r = restarts.get(l.restart);
        restarts.set(l.restart, new Restart(r.kill(), r.startNanos(),
            l.readyAfter == null ? null : seconds(l.readyAfter), r.deliveredBefore(), r.newestDay()));
        l.restart = -1;
      }
      if (killNanos != Long.MAX_VALUE) {
        spans.add(new Span(l.process.startedNanos(), killNanos));
      }
    }

    private boolean settled(Life l) {
      if (!l.process.isAlive()) {
        throw new AssertionError(name + ": the service exited: " + l.process.tail());
      }
      if (l.process.statusPort() == 0 || l.process.count(CYCLE_DONE) <= l.cyclesAtArm) {
        return false; // still starting (the status port is printed once the broker and every stage are up)
      }
      try {
        Admin admin = l.admin();
        return committedToEnd(admin, RULES_GROUP, TOPICS.downloads())
            && committedToEnd(admin, NOTIFIER_GROUP, TOPICS.alerts());
      } catch (RuntimeException e) {
        return false; // the broker is still starting, or a topic is not there yet
      }
    }

    /** Polls {@code condition}, noting when the current life first answered /ready. */
    private void watch(BooleanSupplier condition) {
      watch(condition, SETTLE, () -> life.process.tail());
    }

    private void watch(BooleanSupplier condition, Duration timeout, Supplier<String> state) {
      Life l = life;
      Await.until(() -> {
        if (l.readyAfter == null && l.process.isReady()) {
          l.readyAfter = l.process.uptime();
        }
        return condition.getAsBoolean();
      }, timeout, state);
    }

    private ServiceProcess start() {
      lives++;
      return ServiceProcess.start(dir, "life-" + lives, "run", "--config", config.toString());
    }

    private void log(String line) {
      say("crashloop: " + name + ": " + line);
    }

    private Outcome collect(Duration wall) {
      KafkaClients clients = new KafkaClients(KafkaTesting.config(TOPICS, Map.of()), life.process.bootstrapServers());
      List<Published> records = read(clients, TOPICS.downloads(), r -> {
        DownloadObservation o = EventCodec.decodeDownload(r.value());
        var d = o.record();
        return new Published(new Fact(d.packageName(), d.endpoint().path(), d.category(), d.date()), d.downloads(),
            o.previousDownloads());
      });
      List<Transition> alerts = read(clients, TOPICS.alerts(), r -> {
        var a = AlertCodec.decode(r.value());
        return new Transition(a.fingerprint(), a.state().wire(), a.date());
      });
      return new Outcome(records, alerts, deliveries(receiver), List.copyOf(restarts), List.copyOf(spans), firstReady,
          wall);
    }

    private Path writeConfig(String api, String hook) throws IOException {
      Files.createDirectories(dir);
      // Far from now, so the daily poll never runs in the middle of a step.
      String pollAt = LocalTime.now(ZoneOffset.UTC).plusHours(12).format(DateTimeFormatter.ofPattern("HH:mm"));
      String consumer = SESSION_TIMEOUT_MS.isEmpty() ? "{}" : "{session.timeout.ms: \"" + SESSION_TIMEOUT_MS + "\"}";
      Path file = dir.resolve("pypiwatch.yaml");
      Files.writeString(file, """
          api:
            base-url: "%s"
            min-interval: 0s
            contact: crashloop-it
            pypi-json-enabled: false
            initial-backoff: 200ms
          kafka:
            embedded-data-dir: "%s"
            embedded-port: 0
            consumer: %s
          poller:
            poll-at: "%s"
            freshness-retry: 1h
            freshness-retry-max: 2h
            sharded: %s
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
          watchlist: [alpha, beta, gamma, delta]
          """.formatted(api, dir.resolve("kafka"), consumer, pollAt, SHARDED, script.steps() + 7, hook));
      return file;
    }

    /** One process of the run, with what the test knows of it. */
    private final class Life implements AutoCloseable {
      final ServiceProcess process;
      final int number = lives;
      Duration readyAfter;
      int restart = -1;
      // As of the current step's change (or the start): what a later line or POST is news against.
      long armedNanos;
      int cyclesAtArm;
      int publishedAtArm;
      int deliveredAtArm;
      private Admin admin;

      Life(ServiceProcess process) {
        this.process = process;
        this.armedNanos = process.startedNanos();
        this.deliveredAtArm = receiver.requests().size();
      }

      /** The step's change is made now: a poll cycle, publication or POST after this has seen it. */
      void arm() {
        cyclesAtArm = process.count(CYCLE_DONE);
        publishedAtArm = process.count(PUBLISHED);
        deliveredAtArm = receiver.requests().size();
        armedNanos = System.nanoTime();
      }

      Admin admin() {
        if (admin == null) {
          admin = new KafkaClients(KafkaTesting.config(TOPICS, Map.of()), process.bootstrapServers()).newAdmin();
        }
        return admin;
      }

      void closeAdmin() {
        if (admin != null) {
          admin.close(Duration.ZERO);
          admin = null;
        }
      }

      @Override
      public void close() {
        closeAdmin();
        process.close();
      }
    }
  }

  /**
   * POSTs whose Idempotency-Key had been POSTed before, unless the first one reached the receiver
   * at most {@link #RESEND_WINDOW} before its process was killed: the documented window (accepted,
   * killed before the sent record committed) is the only excuse for a resend.
   */
  static List<String> resentOutsideTheWindow(Outcome o) {
    Map<String, Long> first = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Delivery d : o.deliveries()) {
      Long t = first.putIfAbsent(d.key(), d.arrivalNanos());
      if (t != null && o.spans().stream().noneMatch(s -> s.covers(t) && s.killNanos() - t <= RESEND_WINDOW.toNanos())) {
        long firstAt = t;
        String nearestKill = o.spans().stream().map(s -> (firstAt - s.killNanos()) / 1e9)
            .min(Comparator.comparingDouble(Math::abs)).map(x -> String.format(" (first POST %+.2f s from the nearest kill)", x))
            .orElse(" (no kill)");
        out.add(d.key() + " " + d.transitions() + nearestKill);
      }
    }
    return out;
  }

  /** Seconds from each restart to the first POST with a transition still to be sent at its kill; null: none pending. */
  static List<Double> pendingAlertSeconds(Outcome o) {
    List<Double> out = new ArrayList<>();
    Set<Transition> all = Set.copyOf(delivered(o));
    for (Restart r : o.restarts()) {
      Set<Transition> before = Set.copyOf(delivered(o.deliveries().subList(0, r.deliveredBefore())));
      Set<Transition> pending = all.stream().filter(t -> !t.date().isAfter(r.newestDay()) && !before.contains(t))
          .collect(Collectors.toSet());
      out.add(o.deliveries().stream()
          .filter(d -> d.arrivalNanos() >= r.startNanos() && d.transitions().stream().anyMatch(pending::contains))
          .findFirst().map(d -> (d.arrivalNanos() - r.startNanos()) / 1e9).orElse(null));
    }
    return out;
  }

  /**
   * True when no transaction on {@code topic} waits for its marker and {@code group} has committed
   * its end: past the markers too, an aborted transaction's (a killed producer's) included.
   */
  static boolean committedToEnd(Admin admin, String group, String topic) {
    Map<TopicPartition, Long> stable = KafkaTesting.endOffsets(admin, topic, IsolationLevel.READ_COMMITTED);
    if (!stable.equals(KafkaTesting.endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED))) {
      return false;
    }
    Map<TopicPartition, Long> committed = KafkaTesting.committedOffsets(admin, group, topic);
    return stable.entrySet().stream()
        .allMatch(e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  private static <T> List<T> read(KafkaClients clients, String topic, Function<ConsumerRecord<String, byte[]>, T> f) {
    return KafkaTesting.consumeToEnd(clients, topic, Await.DEFAULT).stream()
        .sorted(Comparator.comparingInt((ConsumerRecord<String, byte[]> r) -> r.partition())
            .thenComparingLong(ConsumerRecord::offset))
        .map(f).toList();
  }

  static List<Delivery> deliveries(FakeReceiver receiver) {
    return receiver.requests().stream().map(r -> {
      List<Transition> ts = new ArrayList<>();
      new JsonObject(r.bodyText()).getJsonArray("alerts").forEach(o -> {
        JsonObject a = (JsonObject) o;
        ts.add(new Transition(a.getString("fingerprint"), a.getString("state"), LocalDate.parse(a.getString("date"))));
      });
      return new Delivery(r.header(WebhookNotifier.IDEMPOTENCY_HEADER), ts, r.arrivalNanos());
    }).toList();
  }

  /** The transitions delivered, a notification sent again with the same Idempotency-Key counted once. */
  static List<Transition> delivered(Outcome o) {
    Set<String> keys = new HashSet<>();
    return delivered(o.deliveries().stream().filter(d -> keys.add(d.key())).toList());
  }

  static List<Transition> delivered(List<Delivery> deliveries) {
    return deliveries.stream().flatMap(d -> d.transitions().stream()).toList();
  }

  /** Revisions whose previous_downloads is not the count the same fact had before (or a first one that has one). */
  static List<String> wrongPrevious(List<Published> records) {
    Map<Fact, Long> last = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    for (Published p : records) {
      Long before = last.put(p.fact(), p.downloads());
      if (!Objects.equals(before, p.previous())) {
        wrong.add(p + " (count before: " + before + ")");
      }
    }
    return wrong;
  }

  /** The elements that occur more than once, once each. */
  static <T> List<String> duplicates(Collection<T> items) {
    Map<String, Integer> n = new TreeMap<>();
    items.forEach(i -> n.merge(String.valueOf(i), 1, Integer::sum));
    return n.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
  }

  /** {@code a} without the elements of {@code b}, as multisets. */
  static List<String> minus(List<Published> a, List<Published> b) {
    Map<String, Integer> left = new LinkedHashMap<>();
    strings(a).forEach(s -> left.merge(s, 1, Integer::sum));
    strings(b).forEach(s -> left.computeIfPresent(s, (k, v) -> v == 1 ? null : v - 1));
    return List.copyOf(left.keySet());
  }

  private static List<String> strings(List<?> items) {
    return items.stream().map(String::valueOf).toList();
  }

  private static void report(Outcome calm, Outcome crashed) {
    List<Double> pendingAlert = pendingAlertSeconds(crashed);
    for (int i = 0; i < crashed.restarts().size(); i++) {
      Restart r = crashed.restarts().get(i);
      say("crashloop: restart " + (i + 1) + " (after a " + r.kill().mode() + " kill in step "
          + r.kill().step() + "): /ready after " + format(r.readySeconds()) + " s, first alert of a pending day after "
          + format(pendingAlert.get(i)) + " s");
    }
    long revisions = crashed.records().stream().filter(p -> p.previous() != null).count();
    long facts = crashed.records().stream().map(Published::fact).distinct().count();
    List<Double> ready = crashed.restarts().stream().map(Restart::readySeconds).filter(Objects::nonNull)
        .sorted().toList();
    List<Double> alert = pendingAlert.stream().filter(Objects::nonNull).sorted().toList();
    long resent = crashed.deliveries().size() - crashed.deliveries().stream().map(Delivery::key).distinct().count();
    say("crashloop: seed " + SEED + ": " + crashed.restarts().size() + " kills; "
        + crashed.records().size() + " committed records (uninterrupted " + calm.records().size() + ") against "
        + facts + " served facts, " + revisions + " revisions; " + crashed.alerts().size() + " alert transitions ("
        + calm.alerts().size() + "); " + delivered(crashed).size() + " transitions delivered (" + delivered(calm).size()
        + ") in " + crashed.deliveries().size() + " webhook POSTs (" + calm.deliveries().size() + "); missing "
        + minus(calm.records(), crashed.records()).size() + ", duplicates "
        + (duplicates(crashed.records()).size() + duplicates(crashed.alerts()).size()
            + duplicates(delivered(crashed)).size())
        + "; " + resent + " POST(s) sent again with the same Idempotency-Key (killed between the receiver's 200 and "
        + "the sent record's commit)");
    say("crashloop: restart to /ready: median " + format(median(ready)) + " s, max "
        + format(ready.isEmpty() ? null : ready.get(ready.size() - 1)) + " s (" + ready.size() + " of "
        + crashed.restarts().size() + " got there before the next kill; first start on an empty data directory: "
        + format(crashed.firstReadySeconds()) + " s, uninterrupted run " + format(calm.firstReadySeconds())
        + " s); restart to the first alert of a pending day: median " + format(median(alert)) + " s, max "
        + format(alert.isEmpty() ? null : alert.get(alert.size() - 1)) + " s (" + alert.size() + " restarts had one)");
    boolean sameKeys = new TreeSet<>(crashed.deliveries().stream().map(Delivery::key).toList())
        .equals(new TreeSet<>(calm.deliveries().stream().map(Delivery::key).toList()));
    say("crashloop: the notifications' Idempotency-Keys " + (sameKeys ? "are the same as"
        : "differ from (transitions grouped otherwise than)") + " the uninterrupted run's; wall time "
        + crashed.wall().toSeconds() + " s crashed, " + calm.wall().toSeconds() + " s uninterrupted");
  }

  /** Prints {@code line} and appends it to {@code target/crashloop/report.txt}, which outlives a lost fork channel. */
  private static synchronized void say(String line) {
    System.out.println(line);
    try {
      Files.createDirectories(LOGS);
      Files.writeString(LOGS.resolve("report.txt"), line + "\n", java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Double median(List<Double> sorted) {
    int n = sorted.size();
    return n == 0 ? null : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String format(Double seconds) {
    return seconds == null ? "-" : String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

package dev.pypiwatch;

import dev.pypiwatch.api.PypiReleases;
import dev.pypiwatch.api.PypiStatsClient;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.HttpConfig;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.PypiJsonConfig;
import dev.pypiwatch.config.RuleRunnerConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.http.ApiRoutes;
import dev.pypiwatch.http.EventStream;
import dev.pypiwatch.http.MetricsRegistry;
import dev.pypiwatch.http.KafkaSilencePublisher;
import dev.pypiwatch.http.ReadModel;
import dev.pypiwatch.http.ReadModelFeed;
import dev.pypiwatch.http.StatusVerticle;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.ingest.PollMetrics;
import dev.pypiwatch.ingest.PollVerticle;
import dev.pypiwatch.ingest.Poller;
import dev.pypiwatch.ingest.PollerState;
import dev.pypiwatch.ingest.PackageOwnership;
import dev.pypiwatch.ingest.PollerGroup;
import dev.pypiwatch.ingest.PollerStateStore;
import dev.pypiwatch.ingest.WatchlistSync;
import dev.pypiwatch.config.PollerConfig;
import dev.pypiwatch.ingest.WatchlistSource;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.StageReadiness;
import dev.pypiwatch.kafka.TransactionalLoop;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.TopicRetentionException;
import dev.pypiwatch.kafka.Topics;
import dev.pypiwatch.notify.Channels;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.notify.Outbox;
import dev.pypiwatch.notify.ReleaseLookup;
import dev.pypiwatch.notify.ReleaseNotes;
import dev.pypiwatch.notify.stream.NotificationStream;
import dev.pypiwatch.notify.stream.NotifierVerticle;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.stream.AlertStream;
import dev.pypiwatch.rules.stream.RuleVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, wired from an {@link AppConfig}: the embedded broker (unless an external
 * cluster is configured), the topics, the API client, the poller, (when {@code rule-engine.enabled})
 * the rule verticle and (when receivers are configured) the notifier. {@link #close()} stops it in order: no new polls, in-flight work finished or
 * abandoned, the rule verticle's transaction finished, producer flushed, broker closed.
 */
public final class Service implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Service.class);

  private final CountDownLatch closed = new CountDownLatch(1);
  // /metrics: Vert.x, JVM and Kafka client meters and the stages' figures.
  private final MetricsRegistry meters = new MetricsRegistry();
  private EmbeddedKafka broker;
  private DownloadPublisher publisher;
  private Vertx vertx;
  private WorkerExecutor publishWorker;
  private PypiStatsClient client;
  private PypiReleases releases;
  private PollVerticle poller;
  // The pollers' group member when sharded, else null.
  private PollerGroup pollerGroup;
  private StatusVerticle status;
  private ReadModelFeed readModelFeed;
  // The consuming stages, for /ready; null when not running.
  private AlertStream alertStream;
  private NotificationStream notificationStream;
  private KafkaSilencePublisher silencePublisher;
  private PollMetrics metrics;
  private final RuleMetrics ruleMetrics = new RuleMetrics();
  private NotifyMetrics notifyMetrics = new NotifyMetrics(List.of());
  private String bootstrapServers;
  private KafkaClients clients;
  private boolean closing;

  private Service() {}

  /** Starts the service with the system clock. Blocking. */
  public static Service start(AppConfig config, Map<String, String> env) {
    return start(config, env, Clock.systemUTC());
  }

  /** Starts the service; {@code clock} decides "today" (tests play the upstream day by day). Blocking. */
  public static Service start(AppConfig config, Map<String, String> env, Clock clock) {
    requireFreePorts(config);
    Service s = new Service();
    try {
      s.startKafka(withInstanceId(config), TopicAdmin.neededHistory(config.rules().lookBackDays()));
      s.startPoller(config, env, clock);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Fails at once, before anything starts, when a fixed port the service would listen on is taken:
   * a second pypiwatch, a Kafka or another server would otherwise surface as a bind error deep in a
   * stage, seconds later.
   *
   * @throws StartupException naming the port, its config key and the fix
   */
  static void requireFreePorts(AppConfig config) {
    KafkaConfig kafka = config.kafka();
    if (kafka.embedded() && kafka.embeddedPort() != 0 && !free("localhost", kafka.embeddedPort())) {
      throw new StartupException("port " + kafka.embeddedPort() + " of the embedded Kafka broker (kafka.embedded-port) "
          + "is in use: is another pypiwatch or a Kafka broker running? Stop it, or set kafka.embedded-port to a free "
          + "port (0 picks one), or kafka.bootstrap-servers to use that broker.");
    }
    HttpConfig http = config.http();
    if (http.enabled() && http.port() != 0 && !free(http.host(), http.port())) {
      throw new StartupException("port " + http.port() + " of the status server (http.port, on " + http.host()
          + ") is in use: is another pypiwatch running? Stop it, or set http.port to a free port (0 picks one).");
    }
  }

  private static boolean free(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code kafka}, with {@code kafka.instance-id} or, when that is empty, one made of {@code
   * poller.transactional-id}: already unique per instance (two pollers with one id fence each other)
   * and stable across restarts, which is what a static group member needs.
   */
  static KafkaConfig withInstanceId(AppConfig config) {
    KafkaConfig kafka = config.kafka();
    return kafka.instanceId().isEmpty()
        ? kafka.withInstanceId(KafkaConfig.instanceIdOf(config.poller().transactionalId()))
        : kafka;
  }

  private void startKafka(KafkaConfig kafka, Duration neededHistory) {
    KafkaClients clients;
    if (kafka.embedded()) {
      broker = EmbeddedKafka.start(kafka.embeddedDataDir(), kafka.embeddedPort());
      clients = new KafkaClients(kafka, broker.bootstrapServers());
      log.info("embedded Kafka broker at {} [data: {}]", broker.bootstrapServers(), kafka.embeddedDataDir());
    } else {
      clients = KafkaClients.external(kafka);
    }
    bootstrapServers = clients.bootstrapServers();
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureTopics(admin, kafka.topics(),
          new TopicAdmin.Needs(neededHistory, clients.bootstrapServers(), kafka.embedded()));
    } catch (TopicRetentionException e) {
      throw new StartupException(e.getMessage());
    }
    this.clients = clients.measuredBy(meters.registry());
    log.info("consumer groups joined as static member {} (kafka.instance-id)", kafka.instanceId());
  }

  private void startPoller(AppConfig config, Map<String, String> env, Clock clock) {
    Topics topics = Topics.from(config.kafka().topics());
    PollerConfig pollerConfig = config.poller();
    // The producer first: its initTransactions settles a transaction a killed predecessor left open.
    publisher = new DownloadPublisher(clients, topics, pollerConfig.transactionalId());
    Map<String, PollerState> states = new HashMap<>();
    if (pollerConfig.sharded()) {
      startPollerGroup(config, topics, clock);
    } else {
      PollerStateStore.readLatest(clients, topics.pollerState(), Duration.ofMinutes(2))
          .forEach((pkg, bytes) -> states.put(pkg, PollerState.fromBytes(bytes)));
      log.info("poller state restored [packages: {}]", states.size());
    }
    vertx = meters.newVertx();
    publishWorker = vertx.createSharedWorkerExecutor("pypiwatch-publish", 1);
    client = new PypiStatsClient(vertx, config.api());
    metrics = new PollMetrics();
    Poller p = new Poller(client, publisher, publishWorker, states, pollerConfig.referencePackage(), clock, metrics,
        pollerGroup == null ? PackageOwnership.ALL : pollerGroup);
    WatchlistSource source = new WatchlistSource(config.source(), env);
    source.baseline(config);
    if (pollerGroup == null) {
      poller = new PollVerticle(p, pollerConfig, config.watchlist().names(), source, clock);
      vertx.deployVerticle(poller).await();
    } else {
      String instance = clients.config().instanceId();
      poller = PollVerticle.sharded(p, pollerConfig, source, clock,
          names -> WatchlistSync.publish(clients, pollerConfig.watchlistTopic(), instance, names, clock));
      vertx.deployVerticle(poller).await();
      pollerGroup.start(poller);
    }
    Duration maxAge = config.notifications().maxAlertAge();
    startRules(config, config.ruleEngine(), config.rules(), topics,
        a -> a.isHistory(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), maxAge));
    Instant loadedAt = clock.instant(); // the start of the configured silences without starts-at
    startNotifier(config, topics, clock, loadedAt);
    if (config.http().enabled()) {
      ReadModel model = new ReadModel();
      config.notifications().silences().forEach(s -> model.add(s.event(loadedAt)));
      EventStream events = new EventStream(EventStream.KEEP_ALIVE, model::transitionsAfter);
      metrics.addListener(events);
      meters.addFigures(metrics::snapshot);
      meters.addFigures(this::streamMetrics);
      meters.addFigures(events::snapshot);
      readModelFeed = new ReadModelFeed(clients, topics.downloads(), topics.alerts(), topics.silences(), model,
          events::alert);
      readModelFeed.start();
      status = new StatusVerticle(config.http(), metrics, this::waiting, meters,
          () -> poller.pollNow().onFailure(e -> log.warn("poll on request failed: {}", e.toString())),
          new ApiRoutes(model, poller::watchlist, metrics, clock, events,
              silencePublisher = new KafkaSilencePublisher(clients, topics.silences()), config.http().apiToken()));
      try {
        vertx.deployVerticle(status).await();
      } catch (RuntimeException e) {
        if (e.getCause() instanceof java.net.BindException) {
          // Taken between the check at start and now.
          throw new StartupException("port " + config.http().port() + " of the status server (http.port) is in use: "
              + "stop what listens there, or set http.port to a free port (0 picks one).");
        }
        throw e;
      }
    }
  }

  /**
   * Sharded pollers: creates the watchlist topic when missing, publishes this instance's watchlist
   * to it ({@link WatchlistSync}) and joins the pollers' group (started once the poller is deployed).
   */
  private void startPollerGroup(AppConfig config, Topics topics, Clock clock) {
    PollerConfig pollerConfig = config.poller();
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureWatchlistTopic(admin, pollerConfig.watchlistTopic(), config.kafka().topics());
    }
    WatchlistSync.publish(clients, pollerConfig.watchlistTopic(), clients.config().instanceId(),
        config.watchlist().names(), clock);
    pollerGroup = new PollerGroup(clients, pollerConfig.groupId(), pollerConfig.watchlistTopic(),
        topics.pollerState(), pollerConfig.referencePackage());
    log.info("poller sharded through Kafka [group: {}, watchlist topic: {}, transactional id: {}]",
        pollerConfig.groupId(), pollerConfig.watchlistTopic(), pollerConfig.transactionalId());
  }

  /**
   * What {@code /ready} waits for, one line per stage: the first poll cycle, each consuming stage
   * until it owns its partitions and is current ({@link StageReadiness}), the read model's first
   * read; a stage whose loop ended with an error. Empty when ready.
   */
  List<String> waiting() {
    List<String> waiting = new ArrayList<>();
    if (!poller.polledOnce()) {
      waiting.add("poller: first poll cycle not finished");
    }
    stage(waiting, "rules", ruleMetrics.healthy(), alertStream);
    stage(waiting, "notifier", notifyMetrics.healthy(), notificationStream);
    if (readModelFeed != null && !readModelFeed.caughtUp()) {
      waiting.add("read model: first read of the topics not finished");
    }
    return waiting;
  }

  private static void stage(List<String> waiting, String name, boolean healthy, TransactionalLoop loop) {
    if (!healthy) {
      waiting.add(name + ": its loop ended with an error; nothing moves until a restart (see the log)");
    } else if (loop != null) {
      loop.readiness().waiting().ifPresent(waiting::add);
    }
  }

  private Map<String, Long> streamMetrics() {
    Map<String, Long> m = new LinkedHashMap<>(ruleMetrics.snapshot());
    m.putAll(notifyMetrics.snapshot());
    return m;
  }

  private void startNotifier(AppConfig config, Topics topics, Clock clock, Instant loadedAt) {
    NotifyConfig notify = config.notifications();
    if (!notify.enabled()) {
      log.info("notifications disabled (no receivers)");
      return;
    }
    try (Admin admin = clients.newAdmin()) {
      TopicAdmin.ensureNotificationTopics(admin, notify.sentTopic(), notify.dlqTopic(), config.kafka().topics(),
          clients.bootstrapServers());
    } catch (TopicRetentionException e) {
      throw new StartupException(e.getMessage());
    }
    notifyMetrics = new NotifyMetrics(notify.receivers().stream().map(NotifyConfig.Receiver::name).toList());
    List<String> watched = config.watchlist().names();
    // Each attempt first adds the release near a firing alert's day (PyPI's JSON API), waiting at most releaseWait;
    // the lookup starts when the firing is read, so a burst has its answers by the end of its group-wait.
    ReleaseLookup lookup = config.api().pypiJson().enabled() ? releaseLookup(config, clock) : ReleaseLookup.NONE;
    NotificationStream stream = notificationStream = new NotificationStream(clients, topics, notify, new Outbox(notify, () -> watched, loadedAt),
        ReleaseNotes.around(Channels.senders(notify.receivers(), r -> Channels.create(vertx, r)), lookup,
            releaseWait(config.api().pypiJson())), notifierTransactionalId(config), clock,
        notifyMetrics, NotificationStream.STOP_GRACE, ReleaseNotes.prefetch(lookup));
    vertx.deployVerticle(new NotifierVerticle(stream, notifyMetrics)).await();
  }

  /**
   * The notifier's {@code transactional.id}: {@code <notify.group-id>-<kafka.instance-id>}. One
   * notifier per process, and the instance id is unique per instance and stable across its
   * restarts, so instances sharing the group do not fence each other (with one id for all, each
   * start fenced the others' producers) while a restart fences its own predecessor.
   */
  static String notifierTransactionalId(AppConfig config) {
    return config.notifications().groupId() + "-" + withInstanceId(config).instanceId();
  }

  /**
   * The rule stage's {@code transactional.id}: {@code <rule-engine.transactional-id-prefix>-<kafka.instance-id>},
   * for the notifier's reasons: one rule stage per process, so instances with the default prefix
   * do not fence each other, and a restart fences its own predecessor.
   */
  static String rulesTransactionalId(AppConfig config) {
    return config.ruleEngine().transactionalIdPrefix() + "-" + withInstanceId(config).instanceId();
  }

  /** PyPI's JSON API behind the notifier's interface: notify needs no edge to api. */
  private ReleaseLookup releaseLookup(AppConfig config, Clock clock) {
    releases = new PypiReleases(vertx, config.api().pypiJson(), config.api().contact(), clock);
    return (pkg, day) -> releases.near(pkg, day).toCompletionStage();
  }

  /** The longest an alert waits for its release: every attempt's time-out and the back-offs between them. */
  static Duration releaseWait(PypiJsonConfig c) {
    return c.requestTimeout().multipliedBy(c.maxAttempts())
        .plus(c.retryPolicy().maxBackoff().multipliedBy(c.maxAttempts() - 1L));
  }

  private void startRules(AppConfig config, RuleRunnerConfig rules, RulesConfig settings, Topics topics,
      Predicate<Alert> history) {
    if (!rules.enabled()) {
      log.info("rule engine disabled");
      return;
    }
    AlertStream stream = alertStream = new AlertStream(clients, topics, rules.groupId(), rulesTransactionalId(config),
        () -> new RuleEngine(settings), referencePackages(settings), ruleMetrics, history);
    vertx.deployVerticle(new RuleVerticle(stream, ruleMetrics)).await();
  }

  /** Every {@code drop.reference-package} in use (global and per package), without the empty "none". */
  private static Set<String> referencePackages(RulesConfig settings) {
    Set<String> refs = new TreeSet<>();
    refs.add(settings.global().drop().referencePackage());
    settings.packages().values().forEach(s -> refs.add(s.drop().referencePackage()));
    refs.remove("");
    return refs;
  }

  /** The port of the status server ({@code /health}, {@code /ready}, {@code /metrics}); -1 if disabled. */
  public int statusPort() {
    return status == null ? -1 : status.port();
  }

  /** Where the events go. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The poller's metrics. */
  public PollMetrics metrics() {
    return metrics;
  }

  /** The rule verticle's counters (zero when the rule engine is disabled). */
  public RuleMetrics ruleMetrics() {
    return ruleMetrics;
  }

  /** The notifier's counters (none per receiver when notifications are disabled). */
  public NotifyMetrics notifyMetrics() {
    return notifyMetrics;
  }

  /** The poll scheduler, e.g. to wait until queued cycles are done ({@link PollVerticle#idle()}). */
  public PollVerticle poller() {
    return poller;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops everything in order; safe to call twice and from a shutdown hook. Blocking. */
  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    log.info("shutting down");
    step("poller", () -> {
      if (vertx != null) {
        poller.halt(); // no further package is started ...
        if (pollerGroup != null) {
          pollerGroup.close(); // leaves the group once the publication in flight ended
        }
        client.close(); // ... and requests in flight are abandoned, so the current one ends quickly
        if (releases != null) {
          releases.close();
        }
        for (String id : vertx.deploymentIDs()) {
          vertx.undeploy(id).await();
        }
      }
    });
    step("read model", () -> {
      if (readModelFeed != null) {
        readModelFeed.close();
      }
    });
    step("publisher", () -> {
      if (publisher != null) {
        publisher.close();
      }
      if (silencePublisher != null) {
        silencePublisher.close();
      }
    });
    step("vert.x", () -> {
      if (vertx != null) {
        vertx.close().await();
      }
    });
    step("metrics", meters::close);
    step("broker", () -> {
      if (broker != null) {
        broker.close();
      }
    });
    log.info("stopped");
    closed.countDown();
  }

  private static void step(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("shutdown of {} failed: {}", what, e.toString());
    }
  }
}

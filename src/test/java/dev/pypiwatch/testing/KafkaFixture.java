package dev.pypiwatch.testing;

import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one fixture of the integration tests: an embedded broker and a Vert.x instance per test
 * class, the service and verticles a test starts, and what it opens, stopped after each test.
 * Register it as {@code @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();}.
 *
 * <p>The broker starts on first use, so a class that only needs Vert.x does not pay for it. Topic
 * names are unique per call, so the tests of a class share the broker without seeing each other.
 * Waits use {@link #WAIT}: conditions, never fixed sleeps.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  /** The deadline of the ITs' waits: generous, since it only matters when a test fails. */
  public static final Duration WAIT = Await.DEFAULT;

  private final Map<String, String> brokerSettings;
  private EmbeddedKafka broker;
  private Vertx vertx;
  private Admin admin;
  private final Deque<AutoCloseable> afterEach = new ArrayDeque<>();

  /** A fixture with the usual embedded broker. */
  public KafkaFixture() {
    this(Map.of());
  }

  /** A fixture whose broker has {@code brokerSettings} on top of the usual ones (e.g. a short retention). */
  public KafkaFixture(Map<String, String> brokerSettings) {
    this.brokerSettings = Map.copyOf(brokerSettings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    // Verticles first: they use the clients and services below.
    for (String id : vertx.deploymentIDs()) {
      try {
        Await.result(vertx.undeploy(id));
      } catch (RuntimeException | AssertionError e) {
        first = first == null ? new Exception("undeploy " + id, e) : first;
      }
    }
    while (!afterEach.isEmpty()) {
      try {
        afterEach.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      Await.result(vertx.close());
    } finally {
      if (admin != null) {
        admin.close();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** The class's embedded broker (on a temporary directory), started on first use. */
  public synchronized EmbeddedKafka broker() {
    if (broker == null) {
      broker = EmbeddedKafka.startTemporary(brokerSettings);
    }
    return broker;
  }

  /** The broker's {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  /** The class's Vert.x instance (fake upstreams and receivers, verticles under test). */
  public Vertx vertx() {
    return vertx;
  }

  /** An admin client of the broker, shared by the class. */
  public synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }
    return admin;
  }

  /** Clients of the broker for {@code config}. */
  public KafkaClients clients(KafkaConfig config) {
    return KafkaTesting.clients(broker(), config);
  }

  /** New topics named after {@code prefix}, unique in this JVM, with {@code partitions} partitions, created. */
  public TopicsConfig createTopics(String prefix, int partitions) {
    TopicsConfig topics = KafkaTesting.uniqueTopics(prefix, partitions);
    TopicAdmin.ensureTopics(admin(), topics);
    return topics;
  }

  /** Deploys {@code verticle} on the class's Vert.x; it is undeployed after the test unless the test does. */
  public String deploy(Deployable verticle) {
    return Await.result(vertx.deployVerticle(verticle));
  }

  /** Undeploys the verticle {@code id} and waits for its stop. */
  public void undeploy(String id) {
    Await.result(vertx.undeploy(id));
  }

  /** Starts the service with {@code config} and {@code clock}; closed after the test (closing it earlier is fine). */
  public Service startService(AppConfig config, Clock clock) {
    return closeAfterEach(Service.start(offline(config), Map.of(), clock));
  }

  /**
   * {@code config}, without release lookups at pypi.org unless a test points {@code
   * api.pypi-json-url} at a stand-in: tests use no network.
   */
  static AppConfig offline(AppConfig c) {
    if (!c.api().pypiJson().baseUrl().equals(dev.pypiwatch.config.PypiJsonConfig.DEFAULTS.baseUrl())) {
      return c;
    }
    return new AppConfig(c.source(), c.api().withPypiJson(c.api().pypiJson().disabled()), c.kafka(), c.poller(),
        c.http(), c.rules(), c.watchlist(), c.ruleEngine(), c.notifications());
  }

  /** {@code resource}, closed after the test (last registered, first closed); returns it. */
  public <T extends AutoCloseable> T closeAfterEach(T resource) {
    afterEach.push(resource);
    return resource;
  }

  /** Waits until no transaction on {@code topic} waits for its commit marker (see {@link KafkaTesting}). */
  public void awaitSettled(String topic) {
    KafkaTesting.awaitSettled(admin(), topic, WAIT);
  }

  /** Waits until group {@code group} has committed the (settled) end of every partition of {@code topic}. */
  public void awaitCommittedToEnd(String group, String topic) {
    KafkaTesting.awaitCommittedToEnd(admin(), group, topic, WAIT);
  }
}

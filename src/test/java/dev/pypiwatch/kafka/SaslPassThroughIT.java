package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.FakeReceiver;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.KafkaTesting;
import dev.pypiwatch.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.properties} passed through to every client, on a broker that requires SASL: the
 * service knows only the broker's SASL_PLAINTEXT listener, with {@code security.protocol}, {@code
 * sasl.mechanism} and {@code sasl.jaas.config} (from the environment) in its config, and every
 * stage works through it (poller, rule stage, notifier, read model: {@code /ready} 200). A wrong
 * password stops the start with Kafka's authentication error, which does not show the secret. TLS
 * is the same pass-through with other property names; it is not run here (no certificates).
 */
class SaslPassThroughIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"pypiwatch\" password=\"%s\";";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture(); // its Vert.x only: the broker is this class's own

  private static EmbeddedKafka broker;
  private static int saslPort;

  @TempDir Path dir;

  @BeforeAll
  static void startSaslBroker() throws Exception {
    int plain = EmbeddedKafka.freePort();
    int controller = EmbeddedKafka.freePortOtherThan(plain);
    saslPort = EmbeddedKafka.freePortOtherThan(plain, controller);
    Map<String, String> settings = Map.of(
        "listeners", "PLAINTEXT://localhost:" + plain + ",SASL_PLAINTEXT://localhost:" + saslPort
            + ",CONTROLLER://localhost:" + controller,
        "advertised.listeners", "PLAINTEXT://localhost:" + plain + ",SASL_PLAINTEXT://localhost:" + saslPort,
        "listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
        "controller.quorum.voters", "1@localhost:" + controller,
        "sasl.enabled.mechanisms", "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_pypiwatch=\"s3cret\";");
    broker = EmbeddedKafka.startNode(Files.createTempDirectory("pypiwatch-sasl-"), plain,
        Uuid.randomUuid().toString(), settings);
  }

  @AfterAll
  static void stopSaslBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void everyStageWorksThroughTheSaslListenerWithThePassedThroughProperties() throws Exception {
    FakePypiStats upstream = FakePypiStats.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    upstream.serve(new SimulatedUpstream(11).addPackage("busy-pkg", Profile.busy(20_000)).setToday(TODAY));
    FakeReceiver receiver = FakeReceiver.startBlocking(kafka.vertx());

    AppConfig config = config(upstream.baseUrl(), receiver.url("/hook"), "s3cret");
    Service service = kafka.startService(config, TestClock.morningOf(TODAY));
    HttpClient http = HttpClient.newHttpClient();
    Await.until(() -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.statusPort() + "/ready"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofMinutes(2));
    // What the poller wrote through the SASL listener, read through the plaintext one.
    KafkaClients plain = new KafkaClients(KafkaTesting.config(KafkaConfig.TopicsConfig.DEFAULTS, Map.of()),
        broker.bootstrapServers());
    assertTrue(KafkaTesting.consumeToEnd(plain, KafkaConfig.TopicsConfig.DEFAULTS.downloads(), KafkaFixture.WAIT)
        .stream().anyMatch(r -> "busy-pkg".equals(r.key())), "busy-pkg's records on the downloads topic");
  }

  @Test
  void aWrongPasswordStopsTheStartWithKafkasErrorAndWithoutTheSecret() throws Exception {
    AppConfig config = config("http://127.0.0.1:9", "http://127.0.0.1:9/hook", "not-the-password");
    Throwable e = assertThrows(Throwable.class, () -> kafka.startService(config, TestClock.morningOf(TODAY)));
    String all = chain(e);
    assertTrue(all.contains("Authentication failed"), all);
    assertFalse(all.contains("not-the-password"), all);
  }

  private AppConfig config(String api, String hook, String password) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api:
          base-url: "%s"
          min-interval: 0s
          pypi-json-enabled: false
        kafka:
          bootstrap-servers: "localhost:%d"
          properties:
            security.protocol: SASL_PLAINTEXT
            sasl.mechanism: PLAIN
            sasl.jaas.config: ${KAFKA_JAAS_CONFIG}
        http:
          port: 0
        notify:
          group-wait: 0s
          receivers:
            - name: hook
              webhook: {url: "%s"}
          default-receivers: [hook]
        watchlist: [busy-pkg]
        """.formatted(api, saslPort, hook));
    return ConfigLoader.load(file, Map.of("KAFKA_JAAS_CONFIG", JAAS.formatted(password)));
  }

  private static String chain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}

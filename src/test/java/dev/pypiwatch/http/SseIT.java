package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/events} through the whole service: a client connected before a poll sees the
 * package polled, the cycle finished and the spike's firing as it reaches the read model.
 */
class SseIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final LocalDate YESTERDAY = TODAY.minusDays(1);
  private static final String PKG = "django-rest-framework";
  private static final String SPIKE = "spike:" + PKG + ":overall:without_mirrors";
  private static final OpenApiContract CONTRACT = new OpenApiContract();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void aConnectedClientSeesThePollTheCycleAndTheNewAlert() throws Exception {
    SimulatedUpstream sim = new SimulatedUpstream(12).addPackage(PKG, Profile.busy(20_000)).setToday(TODAY);
    long usual = sim.count(PKG, Endpoint.OVERALL, "without_mirrors", YESTERDAY);
    sim.revise(PKG, YESTERDAY, (int) (4 * usual)); // five times the usual: a spike
    SimulatorServer upstream = Await.result(SimulatorServer.start(kafka.vertx(), sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    Service service = kafka.startService(config(upstream.baseUrl()), new SimulatedDayClock(TODAY));
    String base = "http://127.0.0.1:" + service.statusPort();
    assertTrue(OpenApiContract.call("GET", base + "/api/v1/packages/" + PKG).body().get("last_poll").isNull(),
        "not polled yet: poll-on-start is off");

    try (SseClient c = kafka.closeAfterEach(new SseClient(base + "/api/v1/events"))) {
      assertEquals(200, c.status);
      CONTRACT.assertStreamDocumented("/api/v1/events", c.status, c.contentType);
      Await.until(() -> c.comments.contains("connected"));
      service.poller().pollNow();

      Await.until(() -> c.frames("poll").stream().anyMatch(f -> f.data().contains("\"" + PKG + "\""))
              && !c.frames("cycle").isEmpty() && alert(c) != null,
          KafkaFixture.WAIT, () -> c.frames.toString());

      SseClient.Frame poll = c.frames("poll").stream().filter(f -> f.data().contains("\"" + PKG + "\"")).findFirst()
          .orElseThrow();
      CONTRACT.assertEventDocumented("/api/v1/events", "poll", poll.data());
      JsonNode pollData = OpenApiContract.JSON.readTree(poll.data());
      assertEquals("fresh", pollData.get("state").asText(), poll.data());
      Instant at = Instant.parse(pollData.get("at").asText());

      SseClient.Frame cycle = c.frames("cycle").get(0);
      CONTRACT.assertEventDocumented("/api/v1/events", "cycle", cycle.data());
      JsonNode cycleData = OpenApiContract.JSON.readTree(cycle.data());
      assertEquals(YESTERDAY.toString(), cycleData.get("expected_newest").asText());
      assertEquals(1, cycleData.get("fresh").asInt(), cycle.data());

      SseClient.Frame alert = alert(c);
      CONTRACT.assertEventDocumented("/api/v1/events", "alert", alert.data());
      var decoded = AlertCodec.decode(alert.data().getBytes(StandardCharsets.UTF_8));
      assertEquals(Ids.alertId(decoded), alert.id());
      assertEquals(YESTERDAY, decoded.date());
      assertEquals(List.of(), c.malformed);

      // The package's last poll time is the one the stream told.
      JsonNode view = OpenApiContract.call("GET", base + "/api/v1/packages/" + PKG).body();
      assertEquals(at, Instant.parse(view.get("last_poll").asText()));
      JsonNode list = OpenApiContract.call("GET", base + "/api/v1/packages").body();
      assertEquals(at.toString(), list.at("/packages/0/last_poll").asText());
    }
  }

  /** The spike's firing, if the stream has shown it. */
  private static SseClient.Frame alert(SseClient c) {
    return c.frames("alert").stream()
        .filter(f -> f.data().contains("\"fingerprint\":\"" + SPIKE + "\"") && f.data().contains("\"firing\""))
        .findFirst().orElse(null);
  }

  private AppConfig config(String upstream) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: sse.downloads, recent: sse.recent, poller-state: sse.state, alerts: sse.alerts}
        poller: {freshness-deadline: 5s, transactional-id: sse-poller, poll-on-start: false}
        http: {port: 0}
        rule-engine: {group-id: sse-rules, transactional-id-prefix: sse-rules}
        watchlist: [%s]
        """.formatted(upstream, kafka.bootstrapServers(), PKG));
    return ConfigLoader.load(file, Map.of());
  }

}

package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.http.OpenApiContract.Answer;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.PrometheusScrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read API through the whole service: the simulator as upstream with a spike planted
 * yesterday, the embedded broker, the poller and rule stage, and every /api/v1 route's answers
 * (valid against the OpenAPI document) once the data has arrived.
 */
class ApiIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final LocalDate YESTERDAY = TODAY.minusDays(1);
  private static final String PKG = "django-rest-framework";
  private static final OpenApiContract CONTRACT = new OpenApiContract();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private String base;

  @Test
  void everyRouteAnswersFromTheTopics() throws Exception {
    SimulatedUpstream sim = new SimulatedUpstream(12).addPackage(PKG, Profile.busy(20_000))
        .addPackage("quiet-pkg", Profile.busy(3_000)).setToday(TODAY);
    long usual = sim.count(PKG, Endpoint.OVERALL, "without_mirrors", YESTERDAY);
    sim.revise(PKG, YESTERDAY, (int) (4 * usual)); // five times the usual: a spike
    SimulatorServer upstream = Await.result(SimulatorServer.start(kafka.vertx(), sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    Service service = kafka.startService(config(upstream.baseUrl()), new SimulatedDayClock(TODAY));
    base = "http://127.0.0.1:" + service.statusPort();

    // The data has arrived when the overview shows yesterday as the newest day of both packages ...
    Await.until(() -> {
      Answer a = get("/api/v1/packages");
      return a.status() == 200 && a.body().get("packages").size() == 2
          && a.body().findValuesAsText("newest_day").equals(List.of(YESTERDAY.toString(), YESTERDAY.toString()));
    }, KafkaFixture.WAIT, () -> get("/api/v1/packages").raw());
    // ... and the spike has when the rule stage's transition reached the API.
    Await.until(() -> get("/api/v1/alerts?rule=spike&state=firing").body().get("alerts").size() > 0,
        KafkaFixture.WAIT, () -> get("/api/v1/alerts").raw());

    // The overview.
    Answer list = check("GET", "/api/v1/packages", "/api/v1/packages", 200);
    assertEquals(YESTERDAY.toString(), list.body().get("expected_newest_day").asText());
    JsonNode drf = list.body().at("/packages/0");
    assertEquals(PKG, drf.get("package").asText());
    assertEquals("fresh", drf.get("freshness").asText());
    assertTrue(drf.get("last_poll").isTextual(), "polled: " + drf);
    assertEquals(sim.count(PKG, Endpoint.OVERALL, "without_mirrors", YESTERDAY), drf.get("last_day_downloads").asLong(),
        "yesterday's downloads without mirrors, the spike included");
    assertEquals(30, drf.get("sparkline").size());
    assertEquals(drf.get("last_day_downloads").asLong(), drf.get("sparkline").get(29).asLong());
    assertTrue(drf.get("seven_day_change").isNumber(), "180 days backfilled: computable");
    assertTrue(drf.get("firing_alerts").asInt() >= 1, drf.toString());
    assertEquals("quiet-pkg", list.body().at("/packages/1/package").asText());

    // One package, by an un-normalized name, with from/to.
    String one = "/api/v1/packages/{package}";
    Answer pkg = check("GET", one, "/api/v1/packages/Django_REST.framework?from=" + TODAY.minusDays(7) + "&to="
        + YESTERDAY, 200);
    assertEquals(PKG, pkg.body().get("package").asText());
    JsonNode without = pkg.body().at("/series/overall/without_mirrors");
    assertEquals(7, without.size());
    assertEquals(TODAY.minusDays(7).toString(), without.get(0).get("date").asText());
    assertEquals(sim.count(PKG, Endpoint.OVERALL, "without_mirrors", YESTERDAY), without.get(6).get("downloads").asLong());
    assertEquals(7, pkg.body().at("/series/overall/with_mirrors").size());
    for (String series : List.of("python_major", "python_minor", "system")) {
      assertTrue(pkg.body().at("/series/" + series).size() > 0, series + " has categories");
    }
    JsonNode firing = spikes(pkg.body().get("firing_alerts"));
    assertEquals(YESTERDAY.toString(), firing.get("date").asText());
    assertTrue(firing.get("observed").asDouble() > firing.get("expected").asDouble(), "its evidence: " + firing);
    assertEquals(PKG, firing.get("package").asText());
    assertEquals(firing, spikes(pkg.body().get("recent_alerts")), "the firing is among the recent transitions");

    // Errors of the package route.
    assertEquals(404, check("GET", one, "/api/v1/packages/not-watched", 404).body().get("status").asInt());
    assertTrue(check("GET", one, "/api/v1/packages/" + PKG + "?to=2026-13-01", 400).body().get("error").asText()
        .startsWith("to:"));
    check("DELETE", one, "/api/v1/packages/" + PKG, 405);

    // The alerts, filtered.
    String alerts = "/api/v1/alerts";
    JsonNode all = check("GET", alerts, alerts, 200).body().get("alerts");
    List<String> dates = new ArrayList<>();
    all.forEach(a -> dates.add(a.get("date").asText()));
    assertEquals(dates.stream().sorted(java.util.Comparator.reverseOrder()).toList(), dates, "newest first");
    JsonNode spike = check("GET", alerts, alerts + "?state=firing&rule=spike&package=Django_Rest_Framework&since="
        + YESTERDAY, 200).body().get("alerts");
    assertEquals(firing, spikes(spike));
    assertEquals(0, check("GET", alerts, alerts + "?package=quiet-pkg&rule=spike&since=" + YESTERDAY, 200)
        .body().get("alerts").size(), "the spike is not the quiet package's");
    assertTrue(check("GET", alerts, alerts + "?state=pending", 400).body().get("error").asText().startsWith("state:"));
    check("POST", alerts, alerts, 405);

    // The document, and a route that does not exist.
    assertEquals(CONTRACT.doc, check("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", 200).body());
    Answer missing = get("/api/v1/nothing-here");
    assertEquals(404, missing.status());
    assertEquals(404, missing.body().get("status").asInt());

    // Silences: readable; without http.api-token, changes are refused (SilencesIT has them with a token).
    assertEquals(0, check("GET", "/api/v1/silences", "/api/v1/silences", 200).body().get("silences").size());
    Answer refused = OpenApiContract.call("POST", base + "/api/v1/silences",
        "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\"}", "Authorization", "Bearer guess");
    assertEquals(403, refused.status(), refused.raw());
    CONTRACT.assertDocumented("POST", "/api/v1/silences", refused);
    check("GET", "/api/v1/silences/{id}", "/api/v1/silences/unknown", 404);
    metricsOfTheRunningService();
  }

  /**
   * /metrics of the service that answered the calls above: pypiwatch's own families, the API's
   * latency by route template (not by package), the JVM, the upstream client and the Kafka clients.
   */
  private void metricsOfTheRunningService() throws Exception {
    PrometheusScrape s = PrometheusScrape.parse(OpenApiContract.call("GET", base + "/metrics").raw());
    // No receiver is configured: the per-receiver families have no series (as before Micrometer).
    MetricsContractTest.EXPECTED.forEach((family, f) -> assertEquals(f.labels().isEmpty() ? f.type() : null,
        s.types().get(family), family));
    assertTrue(s.value("pypiwatch_records_published_total", Map.of()) > 0);

    String latency = "vertx_http_server_response_time_seconds";
    assertEquals("histogram", s.types().get(latency));
    assertTrue(s.value(latency + "_count", Map.of("route", "/api/v1/packages/:package", "method", "GET",
        "code", "200")) >= 1);
    assertTrue(s.value(latency + "_count", Map.of("route", "/api/v1/alerts", "method", "GET", "code", "400")) >= 1);
    assertTrue(s.samples().get(latency + "_bucket").keySet().stream()
        .anyMatch(l -> l.get("route").equals("/api/v1/packages/:package") && l.get("le").equals("0.1")));
    assertTrue(s.samples().get(latency + "_count").keySet().stream()
        .noneMatch(l -> l.get("route").contains(PKG)), "no package name in a route label");

    assertTrue(s.types().containsKey("jvm_memory_used_bytes"), s.text());
    assertTrue(s.sum("vertx_http_client_requests_total") > 0, "the poller's requests to the upstream");
    assertTrue(s.sum("kafka_producer_record_send_total") > 0, "the poller's and the rule stage's producers");
    assertTrue(s.sum("kafka_consumer_fetch_manager_records_consumed_total") > 0,
        "the rule stage's and the read model's consumers");
  }

  /** The one spike firing of the package among {@code alerts}. */
  private static JsonNode spikes(JsonNode alerts) {
    List<JsonNode> out = new ArrayList<>();
    alerts.forEach(a -> {
      if (a.get("rule").asText().equals("spike") && a.get("state").asText().equals("firing")) {
        out.add(a);
      }
    });
    assertEquals(1, out.size(), alerts.toString());
    return out.get(0);
  }

  private Answer get(String path) {
    return OpenApiContract.call("GET", base + path);
  }

  private Answer check(String method, String template, String path, int status) {
    Answer a = OpenApiContract.call(method, base + path);
    assertEquals(status, a.status(), method + " " + path + ": " + a.raw());
    CONTRACT.assertDocumented(status == 405 ? "GET" : method, template, a);
    return a;
  }

  private AppConfig config(String upstream) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: api.downloads, recent: api.recent, poller-state: api.state, alerts: api.alerts}
        poller: {freshness-deadline: 5s, transactional-id: api-poller}
        http: {port: 0}
        rule-engine: {group-id: api-rules, transactional-id-prefix: api-rules}
        watchlist: [%s, quiet-pkg]
        """.formatted(upstream, kafka.bootstrapServers(), PKG));
    return ConfigLoader.load(file, Map.of());
  }

}

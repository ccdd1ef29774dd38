package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.Silence;
import dev.pypiwatch.http.OpenApiContract.Answer;
import dev.pypiwatch.ingest.PollListener;
import dev.pypiwatch.ingest.PollMetrics;
import dev.pypiwatch.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The routes against the OpenAPI document, without Kafka: the server's /api/v1 routes and the
 * document's are the same set, and real answers over a hand-filled model (every status) validate
 * against the documented responses.
 */
class ApiContractTest {
  private static final LocalDate YESTERDAY = LocalDate.of(2026, 4, 9);
  private static final OpenApiContract CONTRACT = new OpenApiContract();
  private static Vertx vertx;
  private static Router router;
  private static String base;
  private static EventStream events;
  private static ReadModel model;
  private static Alert firing;
  private static final String TOKEN = "s3cret-t0ken";
  private static final Instant NOW = Instant.parse("2026-04-10T06:00:00Z");
  /** What the routes stored, in order; {@link #storeFails} makes the store fail (Kafka down). */
  private static final List<Silence> stored = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicBoolean storeFails = new AtomicBoolean();
  private static Silence configured;

  @BeforeAll
  static void start() {
    model = new ReadModel();
    for (int i = 0; i < 20; i++) {
      LocalDate d = YESTERDAY.minusDays(i);
      model.add(new DownloadRecord("rocketlib", Endpoint.OVERALL, "without_mirrors", d, 1000 + i));
      model.add(new DownloadRecord("rocketlib", Endpoint.OVERALL, "with_mirrors", d, 2000 + i));
      model.add(new DownloadRecord("rocketlib", Endpoint.PYTHON_MAJOR, "3", d, 900));
      model.add(new DownloadRecord("rocketlib", Endpoint.PYTHON_MINOR, "3.12", d, 900));
      model.add(new DownloadRecord("rocketlib", Endpoint.SYSTEM, "linux", d, 900));
    }
    firing = new Alert("rocketlib/spike", "rocketlib", "spike", "overall", "without_mirrors", YESTERDAY,
        AlertState.FIRING, Severity.CRITICAL, 5000, 1000, Double.NaN, "spike", Alert.linkOf("rocketlib"));
    model.add(firing);
    vertx = Vertx.vertx();
    router = Router.router(vertx);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    configured = new NotifyConfig.Silence(new AlertMatcher(List.of("legacy-*"), List.of(), List.of(), List.of()),
        NOW.plusSeconds(86_400), "retired").event(NOW.minusSeconds(60));
    model.add(configured);
    // A short keep-alive, so the test sees one without waiting 15 s.
    events = new EventStream(Duration.ofMillis(100), model::transitionsAfter);
    SilencePublisher store = s -> {
      if (storeFails.get()) {
        throw new IllegalStateException("Kafka did not acknowledge it within 15 s");
      }
      stored.add(s);
    };
    new ApiRoutes(model, () -> List.of("RocketLib", "not-polled-yet"), new PollMetrics(), clock, events, store,
        Secret.of(TOKEN)).mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void theServersRoutesAreTheDocumentsRoutes() {
    assertEquals(CONTRACT.documentedRoutes(), OpenApiContract.serverRoutes(router));
    assertTrue(CONTRACT.documentedRoutes().size() >= 4);
  }

  @Test
  void theDocumentIsOpenApi31AndServedAsKept() {
    assertEquals("3.1.0", CONTRACT.doc.get("openapi").asText());
    Answer a = check("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", 200);
    assertEquals(CONTRACT.doc, a.body());
  }

  @Test
  void everyDocumentedAnswerValidates() {
    Answer list = check("GET", "/api/v1/packages", "/api/v1/packages", 200);
    assertEquals("rocketlib", list.body().at("/packages/0/package").asText());
    assertEquals(1, list.body().at("/packages/0/firing_alerts").asInt());
    assertTrue(list.body().at("/packages/1/newest_day").isNull(), "not polled yet");

    String one = "/api/v1/packages/{package}";
    check("GET", one, "/api/v1/packages/Rocket_Lib", 404); // normalizes to rocket-lib, another name
    Answer pkg = check("GET", one, "/api/v1/packages/ROCKETLIB?from=2026-04-01&to=2026-04-09", 200);
    assertEquals(9, pkg.body().at("/series/overall/without_mirrors").size());
    assertTrue(pkg.body().at("/firing_alerts/0/score").isNull(), "a non-finite score is null, as on the topic");
    assertEquals("from: 'April' is not a date (YYYY-MM-DD)",
        check("GET", one, "/api/v1/packages/rocketlib?from=April", 400).body().get("error").asText());
    // A rule across two parameters (from <= to): stated in `to`'s description, beyond what a schema says.
    Answer reversed = OpenApiContract.call("GET", base + "/api/v1/packages/rocketlib?from=2026-04-09&to=2026-04-01");
    assertEquals(400, reversed.status());
    CONTRACT.assertDocumented("GET", one, reversed);
    assertTrue(CONTRACT.doc.at("/paths/~1api~1v1~1packages~1{package}/get/parameters/2/description").asText()
        .contains("not before `from`"));
    check("GET", one, "/api/v1/packages/nope", 404);
    check("POST", one, "/api/v1/packages/rocketlib", 405);

    String alerts = "/api/v1/alerts";
    assertEquals(1, check("GET", alerts, "/api/v1/alerts?state=firing&package=RocketLib&rule=spike&since=2026-04-09",
        200).body().get("alerts").size());
    assertTrue(check("GET", alerts, "/api/v1/alerts?state=open", 400).body().get("error").asText().startsWith("state:"));
    assertTrue(check("GET", alerts, "/api/v1/alerts?since=yesterday", 400).body().get("error").asText()
        .startsWith("since:"));
    assertTrue(check("GET", alerts, "/api/v1/alerts?package=-bad-", 400).body().get("error").asText()
        .startsWith("package:"));
    assertTrue(check("GET", alerts, "/api/v1/alerts?rule=spike&rule=drop", 400).body().get("error").asText()
        .startsWith("rule:"), "given twice");
    check("DELETE", alerts, "/api/v1/alerts", 405);
    check("PUT", "/api/v1/packages", "/api/v1/packages", 405);
    check("POST", "/api/v1/openapi.json", "/api/v1/openapi.json", 405);
  }

  @Test
  void theOracleRejectsAnswersTheDocumentDoesNotAllow() throws Exception {
    String alerts = "/api/v1/alerts";
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertDocumented("GET", alerts,
        answer(400, "{\"error\": \"x\"}")), "no status");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertDocumented("GET", alerts,
        answer(200, "{\"alerts\": [{\"rule\": \"spike\"}]}")), "an alert without its fields");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertDocumented("GET", alerts,
        answer(404, "{\"error\": \"x\", \"status\": 404}")), "404 is not documented for /alerts");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertDocumented("GET", "/api/v1/packages",
        answer(200, "{\"expected_newest_day\": \"2026-04-09\", \"packages\": [{\"package\": \"x\"}]}")),
        "a summary without its fields");
    CONTRACT.assertDocumented("GET", alerts, answer(400, "{\"error\": \"x\", \"status\": 400}"));
  }

  private static Answer answer(int status, String body) throws Exception {
    return new Answer(status, "application/json", OpenApiContract.JSON.readTree(body), body);
  }

  @Test
  void theEventStreamIsDocumentedAndItsFramesParse() {
    String events = "/api/v1/events";
    try (SseClient c = new SseClient(base + events)) {
      CONTRACT.assertStreamDocumented(events, c.status, c.contentType);
      assertEquals(200, c.status);
      Await.until(() -> c.comments.contains("connected"));
      ApiContractTest.events.alert(firing);
      ApiContractTest.events.polled("RocketLib", PollListener.Outcome.BEHIND, Instant.parse("2026-04-10T06:00:01Z"));
      Await.until(() -> c.frames.size() >= 2 && c.comments.contains("keep-alive"), Await.DEFAULT,
          () -> c.frames + " " + c.comments);
      SseClient.Frame alert = c.frames("alert").get(0);
      assertEquals(Ids.alertId(firing), alert.id());
      CONTRACT.assertEventDocumented(events, "alert", alert.data());
      SseClient.Frame poll = c.frames("poll").get(0);
      CONTRACT.assertEventDocumented(events, "poll", poll.data());
      assertEquals("{\"package\":\"rocketlib\",\"state\":\"behind\",\"at\":\"2026-04-10T06:00:01Z\"}", poll.data());
      assertEquals(List.of(), c.malformed);
    }
    check("POST", events, events, 405);
  }

  @Test
  void aClientResumingWithLastEventIdGetsWhatItMissedOnceInOrder() {
    String events = "/api/v1/events";
    // Another package's transitions, so the other tests' counts of rocketlib stay as they are.
    Alert seen = otherAlert(1, AlertState.FIRING);
    Alert missed1 = otherAlert(2, AlertState.FIRING);
    Alert missed2 = otherAlert(2, AlertState.RESOLVED);
    Alert meanwhile = otherAlert(3, AlertState.FIRING);
    Alert later = otherAlert(3, AlertState.RESOLVED);
    List.of(seen, missed1, missed2).forEach(model::add);
    model.add(meanwhile); // recorded while the client reconnects: replayed, and its live copy not sent again
    try (SseClient c = new SseClient(base + events, Ids.alertId(seen))) {
      assertEquals(200, c.status);
      Await.until(() -> c.frames("alert").size() >= 3, Await.DEFAULT, () -> c.frames.toString());
      ApiContractTest.events.alert(meanwhile);
      model.add(later);
      ApiContractTest.events.alert(later);
      Await.until(() -> c.frames("alert").size() >= 4, Await.DEFAULT, () -> c.frames.toString());
      // A marker after the live copies: once it arrived, nothing of theirs is still on its way.
      ApiContractTest.events.polled("otherlib", PollListener.Outcome.FRESH, Instant.parse("2026-04-10T06:00:02Z"));
      Await.until(() -> !c.frames("poll").isEmpty(), Await.DEFAULT, () -> c.frames.toString());
      assertEquals(List.of(missed1, missed2, meanwhile, later).stream().map(Ids::alertId).toList(),
          c.frames("alert").stream().map(SseClient.Frame::id).toList());
      c.frames("alert").forEach(f -> CONTRACT.assertEventDocumented(events, "alert", f.data()));
    }
    try (SseClient c = new SseClient(base + events, "no-such-event")) {
      Await.until(() -> !c.frames(EventStream.RESET).isEmpty(), Await.DEFAULT, () -> c.frames.toString());
      String data = c.frames(EventStream.RESET).get(0).data();
      CONTRACT.assertEventDocumented(events, EventStream.RESET, data);
      assertTrue(data.contains("\"last_event_id\":\"no-such-event\""), data);
      assertEquals(List.of(), c.frames("alert"), "nothing replayed from an unknown id");
    }
  }

  private static Alert otherAlert(int day, AlertState state) {
    return new Alert("otherlib/drop/" + day, "otherlib", "drop", "overall", "without_mirrors", YESTERDAY.minusDays(10 - day),
        state, Severity.WARNING, 10, 100, 4, "drop", Alert.linkOf("otherlib"));
  }

  @Test
  void theOracleRejectsRequestsTheDocumentDoesNotAllow() {
    String alerts = "/api/v1/alerts";
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertRequestDocumented("GET", alerts,
        alerts + "?state=open", 200), "a server accepting a value the document rejects");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertRequestDocumented("GET", alerts,
        alerts + "?state=firing", 400), "a server rejecting a value the document accepts");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertRequestDocumented("GET", alerts,
        alerts + "?colour=red", 200), "an undocumented parameter");
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertRequestDocumented("GET", "/api/v1/packages/{package}",
        "/api/v1/packages/-bad-", 404), "a path value the document rejects");
    CONTRACT.assertRequestDocumented("GET", alerts, alerts + "?since=2026-02-30", 400); // no such day
  }

  @Test
  void theOracleRejectsEventDataTheDocumentDoesNotAllow() {
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertEventDocumented("/api/v1/events", "poll",
        "{\"package\": \"x\", \"state\": \"stale\", \"at\": \"2026-04-10T06:00:01Z\"}"));
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertEventDocumented("/api/v1/events", "alert",
        "{\"rule\": \"spike\"}"));
    assertThrows(AssertionFailedError.class, () -> CONTRACT.assertStreamDocumented("/api/v1/events", 200,
        "application/json"));
  }

  @Test
  void aClientThatDisconnectsIsRemoved() throws Exception {
    try (Socket s = openStream()) {
      Await.until(() -> events.clients() == 1, Await.DEFAULT, () -> "clients: " + events.clients());
    }
    Await.until(() -> events.clients() == 0, Await.DEFAULT, () -> "clients: " + events.clients());
  }

  @Test
  void aClientThatDoesNotReadIsDroppedAndCounted() throws Exception {
    long before = events.dropped();
    String big = "x".repeat(256 * 1024);
    try (Socket s = openStream()) {
      Await.until(() -> events.clients() == 1);
      // Never read: once the socket's buffers are full, the server's write queue fills up.
      Await.until(() -> {
        events.publish(SseFrame.event("filler", null, big));
        return events.dropped() > before;
      }, Await.DEFAULT, () -> "clients: " + events.clients());
      Await.until(() -> events.clients() == 0);
    }
    assertEquals(before + 1, events.dropped());
  }

  /** A raw connection to the stream, its answer left unread. */
  private static Socket openStream() throws Exception {
    URI uri = URI.create(base);
    Socket s = new Socket(uri.getHost(), uri.getPort());
    s.getOutputStream().write(("GET /api/v1/events HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void anUnknownRouteUnderTheApiIsA404Error() {
    Answer a = OpenApiContract.call("GET", base + "/api/v1/nothing-here");
    assertEquals(404, a.status());
    assertEquals(404, a.body().get("status").asInt());
    assertTrue(a.contentType().startsWith("application/json"));
  }

  @Test
  void silencesAreListedCreatedAndExpiredWithTheToken() {
    String list = "/api/v1/silences";
    String one = "/api/v1/silences/{id}";
    String auth = "Bearer " + TOKEN;
    Answer created = check("POST", list, list, 201, """
        {"match": {"packages": ["Rocket_*"], "rules": ["spike"], "severities": ["critical"], "states": ["firing"]},
         "ends-at": "2026-04-11T06:00:00Z", "comment": "new release", "created-by": "alice"}""",
        "Authorization", auth);
    JsonNode s = created.body();
    assertEquals("/api/v1/silences/" + s.get("id").asText(), created.header("location"));
    assertEquals("rocket-*", s.at("/match/packages/0").asText(), "normalized like the configuration's globs");
    assertEquals(NOW.toString(), s.get("starts-at").asText(), "starts now by default");
    assertEquals("active", s.get("status").asText());
    assertEquals("api", s.get("source").asText());
    assertEquals(s.get("id").asText(), stored.get(stored.size() - 1).id(), "stored before the answer");

    JsonNode all = check("GET", list, list, 200).body().get("silences");
    assertTrue(all.findValuesAsText("id").contains(s.get("id").asText()), all.toString());
    List<String> createdAt = all.findValuesAsText("created-at");
    assertEquals(createdAt.stream().sorted(java.util.Comparator.reverseOrder()).toList(), createdAt, "newest first");
    assertTrue(all.findValuesAsText("source").contains("config"), "the configured silences too: " + all);
    assertEquals(s, check("GET", one, list + "/" + s.get("id").asText(), 200).body());

    Answer expired = check("DELETE", one, list + "/" + s.get("id").asText(), 200, null, "Authorization", auth);
    assertEquals("expired", expired.body().get("status").asText());
    assertEquals(NOW.toString(), expired.body().get("ends-at").asText());
    assertEquals("expired", check("GET", one, list + "/" + s.get("id").asText(), 200).body().get("status").asText(),
        "the expiry is kept");
    int before = stored.size();
    check("DELETE", one, list + "/" + s.get("id").asText(), 200, null, "Authorization", auth);
    assertEquals(before, stored.size(), "expiring an expired silence stores nothing");
    assertTrue(check("DELETE", one, list + "/" + configured.id(), 409, null, "Authorization", auth).body()
        .get("error").asText().contains("notify.silences"));
    check("DELETE", one, list + "/no-such-id", 404, null, "Authorization", auth);
    check("GET", one, list + "/no-such-id", 404);

    // Until resolved: the alert must be firing and matched.
    JsonNode until = check("POST", list, list, 201, """
        {"match": {"packages": ["rocketlib"]}, "until-resolved": "rocketlib/spike"}""", "Authorization", auth).body();
    assertTrue(until.get("ends-at").isNull());
    assertEquals("rocketlib/spike", until.get("until-resolved").asText());
    assertEquals("until-resolved: no alert has the fingerprint 'nope' (see GET /api/v1/alerts?state=firing)",
        error(check("POST", list, list, 400, "{\"match\": {}, \"until-resolved\": \"nope\"}", "Authorization", auth)));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": {\"packages\": [\"flask\"]}, "
        + "\"until-resolved\": \"rocketlib/spike\"}", "Authorization", auth)).startsWith("until-resolved: match does not"));

    // The method not allowed, for each path.
    check("PUT", list, list, 405);
    check("PATCH", one, list + "/x", 405);

    // Kafka down: nothing is claimed.
    storeFails.set(true);
    try {
      assertTrue(error(check("POST", list, list, 503, "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\"}",
          "Authorization", auth)).startsWith("the silence was not stored: "));
    } finally {
      storeFails.set(false);
    }
  }

  @Test
  void aBadSilenceIsA400NamingTheKey() {
    String list = "/api/v1/silences";
    String auth = "Bearer " + TOKEN;
    assertEquals("match.rules[0]: unknown rule 'spik'; did you mean 'spike'? Expected one of: spike, drop, "
        + "python-shift, python-crossing, python-new, os-shift, os-crossing, milestone, trend",
        error(check("POST", list, list, 400, "{\"match\": {\"rules\": [\"spik\"]}, \"ends-at\": \"2026-05-01T00:00:00Z\"}",
            "Authorization", auth)));
    assertEquals("ends-at: ends-at (2026-04-01T00:00:00Z) is not in the future (now: 2026-04-10T06:00:00Z)",
        error(check("POST", list, list, 400, "{\"match\": {}, \"ends-at\": \"2026-04-01T00:00:00Z\"}", "Authorization", auth)));
    assertEquals("ends-at: ends-at (2026-05-01T00:00:00Z) must be after starts-at (2026-06-01T00:00:00Z)",
        error(check("POST", list, list, 400, "{\"match\": {}, \"starts-at\": \"2026-06-01T00:00:00Z\", "
            + "\"ends-at\": \"2026-05-01T00:00:00Z\"}", "Authorization", auth)));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": {}}", "Authorization", auth))
        .startsWith("ends-at: missing key 'ends-at'"));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\", "
        + "\"endsAt\": 1}", "Authorization", auth)).startsWith("endsAt: unknown key 'endsAt'"));
    assertTrue(error(check("POST", list, list, 400, "{\"ends-at\": \"2026-05-01T00:00:00Z\"}", "Authorization", auth))
        .startsWith("missing key 'match'"));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": {}, \"ends-at\": \"soon\"}", "Authorization", auth))
        .startsWith("ends-at: expected an instant"));
    assertTrue(error(check("POST", list, list, 400, "[1, 2]", "Authorization", auth)).startsWith("expected a JSON object"));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": ", "Authorization", auth)).startsWith("not JSON"));
    assertTrue(error(check("POST", list, list, 400, "{\"match\": {\"packages\": \"pip\"}, \"comment\": \"${HOME}\", "
        + "\"ends-at\": \"2026-05-01T00:00:00Z\"}", "Authorization", auth)).startsWith("match.packages: expected a list"));
    String big = "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\", \"comment\": \"" + "x".repeat(70_000) + "\"}";
    check("POST", list, list, 413, big, "Authorization", auth);
  }

  @Test
  void theTokenIsChecked() {
    String list = "/api/v1/silences";
    String one = "/api/v1/silences/{id}";
    String body = "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\"}";
    int before = stored.size();
    Answer none = check("POST", list, list, 401, body);
    assertTrue(none.header("www-authenticate").startsWith("Bearer"), "WWW-Authenticate: " + none.header("www-authenticate"));
    Answer wrong = check("POST", list, list, 401, body, "Authorization", "Bearer " + TOKEN + "x");
    assertTrue(wrong.header("www-authenticate").contains("invalid_token"));
    check("POST", list, list, 401, body, "Authorization", "Basic " + TOKEN);
    check("DELETE", one, list + "/" + configured.id(), 401, null);
    check("DELETE", one, list + "/" + configured.id(), 401, null, "Authorization", "Bearer nope");
    assertEquals(before, stored.size(), "nothing stored without the token");
    check("POST", list, list, 201, body, "Authorization", "bearer " + TOKEN); // the scheme is case-insensitive
  }

  @Test
  void withoutAConfiguredTokenChangesAreRefusedAndReadsWork() {
    Router plain = Router.router(vertx);
    ReadModel model = new ReadModel();
    model.add(configured);
    new ApiRoutes(model, List::of, new PollMetrics(), Clock.fixed(NOW, ZoneOffset.UTC), new EventStream(Duration.ofSeconds(15)))
        .mount(plain);
    HttpServer server = vertx.createHttpServer().requestHandler(plain).listen(0, "127.0.0.1").await();
    try {
      String other = "http://127.0.0.1:" + server.actualPort();
      String list = "/api/v1/silences";
      Answer refused = OpenApiContract.call("POST", other + list, "{\"match\": {}, \"ends-at\": \"2026-05-01T00:00:00Z\"}",
          "Authorization", "Bearer anything");
      assertEquals(403, refused.status(), refused.raw());
      CONTRACT.assertDocumented("POST", list, refused);
      assertTrue(refused.body().get("error").asText().contains("http.api-token"), refused.raw());
      Answer delete = OpenApiContract.call("DELETE", other + list + "/" + configured.id());
      assertEquals(403, delete.status());
      CONTRACT.assertDocumented("DELETE", "/api/v1/silences/{id}", delete);
      Answer read = OpenApiContract.call("GET", other + list);
      assertEquals(200, read.status());
      assertEquals(configured.id(), read.body().at("/silences/0/id").asText());
    } finally {
      server.close().await();
    }
  }

  private static String error(Answer a) {
    return a.body().get("error").asText();
  }

  private static Answer check(String method, String template, String path, int status) {
    return check(method, template, path, status, null);
  }

  private static Answer check(String method, String template, String path, int status, String body,
      String... headers) {
    Answer a = OpenApiContract.call(method, base + path, body, headers);
    assertEquals(status, a.status(), method + " " + path + ": " + a.raw());
    // A wrong method has no operation of its own: its 405 is documented on the path's GET.
    CONTRACT.assertDocumented(status == 405 ? "GET" : method, template, a);
    if (status != 405) {
      CONTRACT.assertRequestDocumented(method, template, path, status, body);
    }
    if (status >= 400) {
      assertEquals(status, a.body().get("status").asInt());
    }
    return a;
  }
}

package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.HttpConfig;
import dev.pypiwatch.ingest.PollMetrics;
import dev.pypiwatch.notify.NotifyMetrics;
import dev.pypiwatch.rules.RuleMetrics;
import dev.pypiwatch.testing.PrometheusScrape;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code /metrics} for pypiwatch's own figures: every family the stages count is
 * served under its name, with its type (counter or gauge), its labels and the stage's value. The
 * list below was taken from the sources before /metrics moved to Micrometer, so no name is lost.
 */
class MetricsContractTest {
  /** Family as scraped -> "counter" or "gauge" and its label names. */
  static final Map<String, Family> EXPECTED = families(
      // ingest (PollMetrics)
      "pypiwatch_poll_cycles_total counter",
      "pypiwatch_package_polls_total counter",
      "pypiwatch_records_published_total counter",
      "pypiwatch_revisions_published_total counter",
      "pypiwatch_zero_filled_published_total counter",
      "pypiwatch_recent_published_total counter",
      "pypiwatch_fetch_failures_total counter",
      "pypiwatch_upstream_rows_rejected_total counter",
      "pypiwatch_publish_failures_total counter",
      "pypiwatch_transient_empty_answers_total counter",
      "pypiwatch_stale_reports_total counter",
      "pypiwatch_package_polls_skipped_total counter",
      "pypiwatch_packages_waiting_for_upstream gauge",
      "pypiwatch_stale_packages gauge",
      "pypiwatch_invalid_packages gauge",
      "pypiwatch_last_successful_poll_seconds gauge",
      "pypiwatch_upstream_reachable gauge",
      // the read API's event stream (EventStream)
      "pypiwatch_sse_clients gauge",
      "pypiwatch_sse_dropped_clients_total counter",
      // the rule engine (RuleMetrics)
      "pypiwatch_rule_records_consumed_total counter",
      "pypiwatch_rule_undecodable_records_total counter",
      "pypiwatch_alerts_published_total counter",
      "pypiwatch_rule_transactions_committed_total counter",
      "pypiwatch_rule_transactions_aborted_total counter",
      "pypiwatch_rule_state_rebuilds_total counter",
      "pypiwatch_rule_partitions_restored_total counter",
      "pypiwatch_rule_records_replayed_total counter",
      "pypiwatch_rule_assigned_partitions gauge",
      "pypiwatch_rule_engine_up gauge",
      // the notifier (NotifyMetrics)
      "pypiwatch_notifications_sent_total counter receiver",
      "pypiwatch_notifications_failed_attempts_total counter receiver",
      "pypiwatch_notifications_dead_lettered_total counter receiver",
      "pypiwatch_notifications_pending gauge",
      "pypiwatch_notifier_undecodable_alerts_total counter",
      "pypiwatch_notifications_history_total counter",
      "pypiwatch_notifier_up gauge");

  private static Vertx vertx;
  private static String base;
  private static final RuleMetrics rules = new RuleMetrics();
  private static final NotifyMetrics notify = new NotifyMetrics(List.of("ops", "say \"hi\""));
  private static final EventStream events = new EventStream(Duration.ofSeconds(15));

  /** A family's type and label names. */
  record Family(String type, Set<String> labels) {}

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    PollMetrics poll = new PollMetrics();
    // Wired as Service wires it.
    MetricsRegistry registry = new MetricsRegistry();
    registry.addFigures(poll::snapshot);
    registry.addFigures(rules::snapshot);
    registry.addFigures(notify::snapshot);
    registry.addFigures(events::snapshot);
    StatusVerticle status = new StatusVerticle(new HttpConfig(true, "127.0.0.1", 0), poll, java.util.List::of, registry,
        () -> { }, new ApiRoutes(new ReadModel(), List::of, poll, Clock.systemUTC(), events));
    vertx.deployVerticle(status).await();
    base = "http://127.0.0.1:" + status.port();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyFamilyIsServedWithItsTypeAndLabels() throws Exception {
    PrometheusScrape s = scrape();
    EXPECTED.forEach((family, f) -> {
      assertEquals(f.type(), s.types().get(family), family + ": type\n" + s.text());
      assertTrue(s.samples().containsKey(family), family + ": no sample\n" + s.text());
      s.samples().get(family).keySet().forEach(labels ->
          assertEquals(f.labels(), labels.keySet(), family + ": labels\n" + s.text()));
    });
    Set<String> ours = new TreeSet<>(s.types().keySet());
    ours.removeIf(n -> !n.startsWith("pypiwatch_"));
    assertEquals(new TreeSet<>(EXPECTED.keySet()), ours, "pypiwatch families beyond the contract");
  }

  @Test
  void valuesAreTheStagesFiguresAndNewLabelValuesAppearAfterStart() throws Exception {
    rules.consumed(3);
    rules.undecodable();
    rules.committed(2);
    rules.rebuilt(4);
    rules.running(true);
    notify.sent("ops");
    notify.sent("ops");
    notify.failedAttempt("say \"hi\"");
    notify.pending(5);
    notify.history(7);
    PrometheusScrape first = scrape();
    assertEquals(3.0, first.value("pypiwatch_rule_records_consumed_total", Map.of()));
    assertEquals(1.0, first.value("pypiwatch_rule_undecodable_records_total", Map.of()));
    assertTrue(first.value("pypiwatch_alerts_published_total", Map.of()) >= 2.0);
    assertEquals(4.0, first.value("pypiwatch_rule_assigned_partitions", Map.of()));
    assertEquals(1.0, first.value("pypiwatch_rule_engine_up", Map.of()));
    assertEquals(2.0, first.value("pypiwatch_notifications_sent_total", Map.of("receiver", "ops")));
    assertEquals(1.0, first.value("pypiwatch_notifications_failed_attempts_total", Map.of("receiver", "say \"hi\"")),
        "a label value with quotes, escaped and read back");
    assertEquals(0.0, first.value("pypiwatch_notifications_dead_lettered_total", Map.of("receiver", "ops")));
    assertEquals(5.0, first.value("pypiwatch_notifications_pending", Map.of()));
    assertEquals(7.0, first.value("pypiwatch_notifications_history_total", Map.of()));
    assertEquals(-1.0, first.value("pypiwatch_notifier_up", Map.of()), "not started: -1");
    assertEquals(1.0, first.value("pypiwatch_upstream_reachable", Map.of()));
    assertEquals(0.0, first.value("pypiwatch_sse_clients", Map.of()));
    assertEquals(0.0, first.value("pypiwatch_poll_cycles_total", Map.of()));

    // A receiver first heard of after the first scrape still gets its series.
    notify.deadLettered("late");
    rules.consumed(1);
    PrometheusScrape second = scrape();
    assertEquals(1.0, second.value("pypiwatch_notifications_dead_lettered_total", Map.of("receiver", "late")));
    assertEquals(4.0, second.value("pypiwatch_rule_records_consumed_total", Map.of()), "read at each scrape");
  }

  @Test
  void servedInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
        r.headers().toString());
    // The JDK client offers a clear-text HTTP/2 upgrade; the status server answers in HTTP/1.1
    // (an upgraded connection once broke a test's scrape with a protocol error).
    assertEquals(HttpClient.Version.HTTP_1_1, r.version());
  }

  static PrometheusScrape scrape() throws Exception {
    return PrometheusScrape.parse(get("/metrics").body());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Family> families(String... specs) {
    Map<String, Family> m = new TreeMap<>();
    for (String spec : specs) {
      String[] p = spec.split(" ");
      m.put(p[0], new Family(p[1], p.length > 2 ? Set.of(p[2].split(",")) : Set.of()));
    }
    return m;
  }
}

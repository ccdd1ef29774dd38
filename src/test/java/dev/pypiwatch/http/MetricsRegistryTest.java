package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

  @Test
  void aFiguresNameSplitsIntoFamilyAndUnescapedLabels() {
    assertEquals(new MetricsRegistry.Figure("pypiwatch_notifier_up", Tags.empty()),
        MetricsRegistry.Figure.parse("pypiwatch_notifier_up"));
    assertEquals(new MetricsRegistry.Figure("f_total", Tags.of("receiver", "say \"hi\"\\\n", "b", "x,y")),
        MetricsRegistry.Figure.parse("f_total{receiver=\"say \\\"hi\\\"\\\\\\n\",b=\"x,y\"}"));
    assertEquals("figure f{receiver=\"ops}: unterminated value of label receiver",
        assertThrows(IllegalArgumentException.class, () -> MetricsRegistry.Figure.parse("f{receiver=\"ops}"))
            .getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsRegistry.Figure.parse("f{receiver}"))
        .getMessage().startsWith("figure f{receiver}: expected key=\"value\""));
  }

  @Test
  void figuresAreReadAtEachScrapeAndOnesNoLongerReportedAreDropped() {
    MetricsRegistry r = new MetricsRegistry();
    AtomicLong polls = new AtomicLong(2);
    Map<String, Long> figures = new LinkedHashMap<>();
    r.addFigures(() -> {
      figures.put("pypiwatch_poll_cycles_total", polls.get());
      return figures;
    });
    figures.put("pypiwatch_gone", 1L);
    String first = r.scrape();
    assertTrue(first.contains("# TYPE pypiwatch_poll_cycles_total counter\npypiwatch_poll_cycles_total 2.0\n"), first);
    assertTrue(first.contains("\npypiwatch_gone 1.0\n"), first);
    polls.set(5);
    figures.remove("pypiwatch_gone");
    String second = r.scrape();
    assertTrue(second.contains("\npypiwatch_poll_cycles_total 5.0\n"), second);
    assertFalse(second.contains("pypiwatch_gone"), second);
    r.close();
  }

  @Test
  void itsVertxMeasuresServerLatencyByRouteTemplateWithBucketsAndTheJvm() {
    MetricsRegistry r = new MetricsRegistry();
    Vertx vertx = r.newVertx();
    try {
      Router router = Router.router(vertx);
      router.get("/api/v1/packages/:package").handler(rc -> rc.response().end("{}"));
      int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
      HttpClient client = vertx.createHttpClient();
      for (String pkg : new String[] {"rocketlib", "other-pkg"}) {
        client.request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/packages/" + pkg)
            .compose(req -> req.send().compose(res -> res.body())).await();
      }
      String text = r.scrape();
      String series = "vertx_http_server_response_time_seconds_bucket{code=\"200\",method=\"GET\","
          + "route=\"/api/v1/packages/:package\",le=\"0.25\"} 2";
      assertTrue(text.contains(series), text);
      assertFalse(text.contains("rocketlib"), "no raw path in a label");
      assertTrue(text.contains("\nvertx_http_client_requests_total{method=\"GET\"} 2.0"), text);
      assertTrue(text.contains("\njvm_memory_used_bytes{"), text);
      assertTrue(text.contains("\njvm_gc_"), text);
      assertTrue(text.contains("\nprocess_uptime_seconds "), text);
    } finally {
      vertx.close().await();
      r.close();
    }
  }
}

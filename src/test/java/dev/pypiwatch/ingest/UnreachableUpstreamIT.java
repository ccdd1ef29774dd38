package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** With no upstream to connect to, the service says so once and {@code /ready} is 503 naming why. */
class UnreachableUpstreamIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void readyIsDownAndSaysTheUpstreamIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closed = s.getLocalPort(); // nothing listens there once closed: connections are refused
    }
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: "http://127.0.0.1:%d/api", min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: unr.downloads, recent: unr.recent, poller-state: unr.state, alerts: unr.alerts}
        poller: {transactional-id: unr-poller}
        http: {port: 0}
        rule-engine: {group-id: unr-rules, transactional-id-prefix: unr-rules}
        watchlist: [requests, numpy]
        """.formatted(closed, kafka.bootstrapServers()));
    AppConfig config = ConfigLoader.load(file, Map.of());
    Service service = kafka.startService(config, Clock.systemUTC());

    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + service.statusPort() + "/ready");
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    Await.until(() -> {
      try {
        last.set(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()));
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return last.get().statusCode() == 503;
    });
    JsonNode body = JSON.readTree(last.get().body());
    assertEquals("DOWN", body.get("status").asText());
    assertTrue(body.get("upstream").asText().startsWith("unreachable: connection failed"), body.toString());
    assertEquals(0L, service.metrics().snapshot().get("pypiwatch_upstream_reachable"));
    assertTrue(service.metrics().upstreamUnreachable().isPresent());
  }
}

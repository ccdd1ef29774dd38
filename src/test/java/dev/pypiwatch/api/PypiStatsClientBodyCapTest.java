package dev.pypiwatch.api;

import static dev.pypiwatch.api.PypiStatsException.Kind.BODY_TOO_LARGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code api.max-body-size} against an upstream that streams a 100 MB chunked body without
 * Content-Length: the client stops reading at the cap, fails with the package, the endpoint and
 * the cap, holds no more than the cap, and its next request is answered as usual.
 */
@ExtendWith(VertxExtension.class)
class PypiStatsClientBodyCapTest {
  private static final long HUGE = 100L * 1024 * 1024;
  private static final long CAP = 1_000_000;

  private Vertx vertx;
  private HttpServer server;
  // What the endless endpoint wrote before the client hung up, and whether it did.
  private final AtomicLong written = new AtomicLong();
  private final AtomicBoolean closedByClient = new AtomicBoolean();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0));
  }

  @AfterEach
  void stop() {
    Await.result(server.close());
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response().putHeader("Content-Type", "application/json");
    if (request.path().endsWith("/numpy/system")) {
      assertFalse(closedByClient.get(), "one request only: a body too large is not retried");
      response.setChunked(true).closeHandler(v -> closedByClient.set(true));
      response.write("{\"data\":[");
      stream(response, row());
    } else {
      response.end(Fixtures.text("llm_system.json"));
    }
  }

  /** 64 KB of rows, written again and again: the body is never held whole, on either side. */
  private static Buffer row() {
    Buffer chunk = Buffer.buffer();
    byte[] row = "{\"category\":\"Linux\",\"date\":\"2024-01-01\",\"downloads\":1},"
        .getBytes(StandardCharsets.UTF_8);
    while (chunk.length() + row.length <= 64 * 1024) {
      chunk.appendBytes(row);
    }
    return chunk;
  }

  /** Writes while the connection takes it (back-pressure), up to {@link #HUGE}. */
  private void stream(HttpServerResponse response, Buffer chunk) {
    while (!closedByClient.get() && !response.writeQueueFull()) {
      if (written.get() >= HUGE) {
        response.end("{\"category\":null,\"date\":\"2024-01-01\",\"downloads\":1}]}");
        return;
      }
      response.write(chunk);
      written.addAndGet(chunk.length());
    }
    if (!closedByClient.get()) {
      // Resumed as a task of its own: writes made inside the drain callback may wait for a flush.
      response.drainHandler(v -> vertx.runOnContext(x -> stream(response, chunk)));
    }
  }

  @Test
  void aHundredMegabyteChunkedBodyIsCutAtTheCapAndTheClientGoesOn() {
    // A generous time-out: on a loaded machine a cold client may take seconds for its first MB.
    ApiConfig config = TestConfigs.withTimeout(TestConfigs.withMaxBody(
        TestConfigs.fast("http://127.0.0.1:" + server.actualPort()), CAP), Duration.ofSeconds(60));
    Runtime rt = Runtime.getRuntime();
    try (PypiStatsClient client = new PypiStatsClient(vertx, config)) {
      long start = System.nanoTime();
      PypiStatsException e = assertInstanceOf(PypiStatsException.class,
          Await.failure(client.fetchSystem("numpy", null)));
      double seconds = (System.nanoTime() - start) / 1e9;

      assertEquals(BODY_TOO_LARGE, e.kind());
      assertFalse(e.retryable());
      assertEquals(1, e.attempts());
      assertEquals("pypistats system of 'numpy': body exceeds the cap of 1000000 bytes", e.getMessage());
      // The client hung up: the server saw the connection close long before the end of the body.
      Await.until(closedByClient::get, Duration.ofSeconds(30));
      long sent = written.get();
      assertTrue(sent < HUGE / 4, "the server wrote " + sent + " bytes before the client hung up");
      long heapAfter = rt.totalMemory() - rt.freeMemory();
      System.out.printf("body cap: cut after %.2f s, server wrote %d bytes (cap %d), heap in use %d MB%n",
          seconds, sent, CAP, heapAfter >> 20);

      // The service goes on: the next request (a new connection) is answered as usual.
      ApiResponse<SeriesResponse> next = Await.result(client.fetchSystem("llm", null));
      assertInstanceOf(ApiResponse.Data.class, next);
    }
  }
}

package dev.pypiwatch.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A local PyPI Stats API over HTTP: {@code GET /api/packages/{pkg}/{endpoint}} answered by an
 * {@link Upstream}, the real server's rate limit (429, HTML, no {@code Retry-After}), and a clock
 * API: {@code POST /_simulate/advance?days=N} plays N daily updates, {@code GET /_simulate/state}
 * tells today, the newest day and the packages.
 */
public final class SimulatorServer {
  private static final String API = "/api/packages/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Upstream upstream;
  private final RateLimiter limiter;
  private final HttpServer server;
  private final String host;

  private SimulatorServer(Vertx vertx, Upstream upstream, String host, int ratePerMinute) {
    this.upstream = upstream;
    this.host = host;
    this.limiter = new RateLimiter(ratePerMinute, System::nanoTime);
    // HTTP/1.1 only, like the real server: no clear-text HTTP/2 upgrade for clients that offer it.
    this.server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(this::handle);
  }

  /**
   * Starts serving {@code upstream} on {@code host:port} ({@code 0}: an ephemeral port), at most
   * {@code ratePerMinute} API requests a minute per client IP ({@code 0}: no limit).
   */
  public static Future<SimulatorServer> start(Vertx vertx, Upstream upstream, String host, int port, int ratePerMinute) {
    SimulatorServer s = new SimulatorServer(vertx, upstream, host, ratePerMinute);
    return s.server.listen(port, host).map(x -> s);
  }

  /** {@code http://HOST:PORT/api}: the {@code api.base-url} of a client. */
  public String baseUrl() {
    return "http://" + host + ":" + port() + "/api";
  }

  /** The port listened on. */
  public int port() {
    return server.actualPort();
  }

  /** The upstream served. */
  public Upstream upstream() {
    return upstream;
  }

  /** Stops listening. */
  public Future<Void> stop() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    try {
      if (path.startsWith("/_simulate/")) {
        control(request, path.substring("/_simulate/".length()));
      } else if (path.startsWith(API)) {
        api(request, path.substring(API.length()));
      } else {
        send(request, Answer.notFound());
      }
    } catch (RuntimeException e) {
      send(request, Answer.text(500, "500 INTERNAL SERVER ERROR: " + e.getMessage()));
    }
  }

  private void api(HttpServerRequest request, String rest) {
    int slash = rest.indexOf('/');
    Optional<Endpoint> endpoint = slash < 0 ? Optional.empty() : Endpoint.fromPath(rest.substring(slash + 1));
    if (endpoint.isEmpty() || slash == 0) {
      send(request, Answer.notFound());
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      send(request, Answer.text(405, "405 METHOD NOT ALLOWED"));
      return;
    }
    String client = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    if (!limiter.tryAcquire(client)) {
      send(request, Answer.rateLimited());
      return;
    }
    String pkg = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
    Map<String, String> query = new LinkedHashMap<>();
    request.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
    send(request, upstream.answer(pkg, endpoint.get(), query));
  }

  private void control(HttpServerRequest request, String action) {
    switch (action) {
      case "state" -> send(request, Answer.json(state()));
      case "advance" -> {
        if (request.method() != HttpMethod.POST) {
          send(request, Answer.text(405, "405 METHOD NOT ALLOWED: POST /_simulate/advance?days=N"));
          return;
        }
        String days = request.getParam("days", "1");
        int n;
        try {
          n = Integer.parseInt(days);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0 || n > 3650) {
          send(request, Answer.text(400, "400 BAD REQUEST: days must be an integer in 0..3650, got " + days));
          return;
        }
        upstream.advance(n);
        send(request, Answer.json(state()));
      }
      default -> send(request, Answer.notFound());
    }
  }

  private String state() {
    Map<String, Object> s = new TreeMap<>();
    s.put("today", String.valueOf(upstream.today()));
    s.put("newest", String.valueOf(upstream.today() == null ? null : upstream.today().minusDays(1)));
    s.put("packages", upstream.packages());
    s.put("base_url", baseUrl());
    try {
      return JSON.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(HttpServerRequest request, Answer answer) {
    request.response().setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType()).end(answer.body());
  }
}

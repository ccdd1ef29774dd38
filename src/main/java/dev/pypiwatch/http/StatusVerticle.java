package dev.pypiwatch.http;

import dev.pypiwatch.config.HttpConfig;
import dev.pypiwatch.ingest.PollMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status server: {@code /health} (live: the event loop answers), {@code /ready} (nothing to
 * wait for: the first poll cycle has finished, every consuming stage is current, the upstream
 * answers), {@code /metrics} ({@link MetricsRegistry}, Prometheus text format), the
 * read API under {@code /api/v1} ({@link ApiRoutes}); every other path is the web dashboard
 * ({@link Dashboard}).
 */
public final class StatusVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StatusVerticle.class);

  private final HttpConfig config;
  private final PollMetrics metrics;
  private final Supplier<List<String>> waiting;
  private final MetricsRegistry registry;
  private final Runnable pollNow;
  private final ApiRoutes api;
  private HttpServer server;

  /**
   * A status server whose {@code /ready} is 503 while {@code waiting} lists something (one line per
   * stage that is not ready and why) or the upstream is unreachable, whose {@code /metrics} serves
   * {@code registry}, whose {@code POST /poll} runs {@code pollNow} (queues a poll cycle) and which
   * serves {@code api} under {@code /api/v1}.
   */
  public StatusVerticle(HttpConfig config, PollMetrics metrics, Supplier<List<String>> waiting,
      MetricsRegistry registry, Runnable pollNow, ApiRoutes api) {
    this.config = config;
    this.metrics = metrics;
    this.waiting = waiting;
    this.registry = registry;
    this.pollNow = pollNow;
    this.api = api;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(rc -> json(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
    router.post("/poll").handler(rc -> {
      pollNow.run(); // queued (at most one waiting): answered at once, a cycle takes minutes
      json(rc, 202, new JsonObject().put("status", "polling"));
    });
    api.mount(router);
    Dashboard.mount(router);
    // HTTP/1.1 only: no clear-text HTTP/2 upgrade (Prometheus, curl and browsers speak 1.1 here;
    // the JDK client's h2c upgrade broke a scrape with a protocol error).
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(router).listen(config.port(), config.host())
        .onSuccess(s -> {
          server = s;
          log.info("status server at http://{}:{}/ (dashboard, health, ready, metrics, api/v1; POST /poll polls now)", config.host(),
              s.actualPort());
        });
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return server.actualPort();
  }

  private void ready(RoutingContext rc) {
    Optional<String> unreachable = metrics.upstreamUnreachable();
    List<String> pending = new ArrayList<>(waiting.get());
    unreachable.ifPresent(u -> pending.add("upstream: unreachable: " + u));
    boolean ok = pending.isEmpty();
    json(rc, ok ? 200 : 503, new JsonObject().put("ready", ok).put("waiting", pending)
        .put("status", ok ? "UP" : "DOWN")
        .put("upstream", unreachable.map(why -> "unreachable: " + why).orElse("reachable"))
        .put("stale_packages", new TreeSet<>(metrics.stalePackages()).stream().toList())
        .put("invalid_packages", new TreeSet<>(metrics.invalidPackages()).stream().toList()));
  }

  private void metrics(RoutingContext rc) {
    rc.response().putHeader("content-type", MetricsRegistry.CONTENT_TYPE).end(registry.scrape());
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}

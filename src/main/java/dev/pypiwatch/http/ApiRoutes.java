package dev.pypiwatch.http;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.ingest.PollMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The read API under {@value #BASE}: the watchlist, one package, the alert transitions and the
 * OpenAPI document that describes them (read from the classpath, {@value #OPENAPI_RESOURCE}).
 */
public final class ApiRoutes {
  /** Where the API lives. */
  public static final String BASE = "/api/v1";
  /** The OpenAPI 3.1 document on the classpath. */
  public static final String OPENAPI_RESOURCE = "/api/openapi.json";

  private final ReadModel model;
  private final Supplier<? extends Collection<String>> watchlist;
  private final PollMetrics metrics;
  private final Clock clock;
  private final Buffer openapi;
  private final EventStream events;

  /**
   * Routes over {@code model} for the packages {@code watchlist} names, freshness and last poll
   * times from {@code metrics}, "yesterday" by {@code clock} and the live stream {@code events}.
   */
  public ApiRoutes(ReadModel model, Supplier<? extends Collection<String>> watchlist, PollMetrics metrics,
      Clock clock, EventStream events) {
    this.model = model;
    this.events = events;
    this.watchlist = watchlist;
    this.metrics = metrics;
    this.clock = clock;
    this.openapi = Buffer.buffer(openapiDocument());
  }

  /** The OpenAPI document's bytes. */
  public static byte[] openapiDocument() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the API's routes to {@code router}, with JSON answers for wrong methods and unknown paths. */
  public void mount(Router router) {
    get(router, BASE + "/packages", this::packages);
    get(router, BASE + "/packages/:package", this::packageView);
    get(router, BASE + "/alerts", this::alerts);
    get(router, BASE + "/events", events::handle);
    get(router, BASE + "/openapi.json", rc -> rc.response().putHeader("content-type", "application/json")
        .end(openapi));
    router.route(BASE + "/*").handler(rc -> error(rc, 404, "no such route: " + rc.request().path()));
  }

  private static void get(Router router, String path, io.vertx.core.Handler<RoutingContext> handler) {
    router.get(path).handler(handler);
    // Registered after the GET route, so only other methods reach it.
    router.route(path).handler(rc -> {
      rc.response().putHeader("allow", "GET");
      error(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path() + ": use GET");
    });
  }

  private void packages(RoutingContext rc) {
    LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    JsonArray out = new JsonArray();
    for (ReadModel.PackageSummary s : model.packages(watchlist.get(), yesterday, metrics.stalePackages(),
        metrics.invalidPackages())) {
      JsonArray spark = new JsonArray();
      s.sparkline().forEach(d -> spark.add(d.downloads()));
      out.add(new JsonObject()
          .put("package", s.name())
          .put("newest_day", s.newestDay() == null ? null : s.newestDay().toString())
          .put("last_poll", lastPoll(s.name()))
          .put("freshness", s.freshness().wire())
          .put("last_day_downloads", s.lastDayDownloads())
          .put("seven_day_change", s.sevenDayChange())
          .put("sparkline_from", s.sparkline().isEmpty() ? null : s.sparkline().get(0).date().toString())
          .put("sparkline", spark)
          .put("firing_alerts", s.firingAlerts())
          .put("python3_share", s.python3Share()));
    }
    json(rc, 200, new JsonObject().put("expected_newest_day", yesterday.toString()).put("packages", out));
  }

  private void packageView(RoutingContext rc) {
    LocalDate from;
    LocalDate to;
    try {
      from = date(rc, "from");
      to = date(rc, "to");
    } catch (BadParameter e) {
      error(rc, 400, e.getMessage());
      return;
    }
    if (from != null && to != null && from.isAfter(to)) {
      error(rc, 400, "from: " + from + " is after to: " + to);
      return;
    }
    String name = rc.pathParam("package");
    var view = model.packageView(name, watchlist.get(), from, to);
    if (view.isEmpty()) {
      error(rc, 404, "unknown package: " + name);
      return;
    }
    ReadModel.PackageView v = view.get();
    JsonObject series = new JsonObject();
    v.series().forEach((endpoint, categories) -> {
      JsonObject byCategory = new JsonObject();
      categories.forEach((category, days) -> {
        JsonArray points = new JsonArray();
        days.forEach(d -> points.add(new JsonObject().put("date", d.date().toString()).put("downloads",
            d.downloads())));
        byCategory.put(category, points);
      });
      series.put(endpoint, byCategory);
    });
    json(rc, 200, new JsonObject()
        .put("package", v.name())
        .put("newest_day", v.newestDay() == null ? null : v.newestDay().toString())
        .put("last_poll", lastPoll(v.name()))
        .put("series", series)
        .put("firing_alerts", alerts(v.firing()))
        .put("recent_alerts", alerts(v.recent())));
  }

  private void alerts(RoutingContext rc) {
    AlertState state = null;
    LocalDate since;
    try {
      String s = single(rc, "state");
      if (s != null) {
        state = switch (s) {
          case "firing" -> AlertState.FIRING;
          case "resolved" -> AlertState.RESOLVED;
          default -> throw new BadParameter("state: '" + s + "' is neither 'firing' nor 'resolved'");
        };
      }
      since = date(rc, "since");
      String pkg = single(rc, "package");
      if (pkg != null && !PackageName.isValid(pkg)) {
        throw new BadParameter("package: " + PackageName.describeInvalid(pkg));
      }
      single(rc, "rule");
    } catch (BadParameter e) {
      error(rc, 400, e.getMessage());
      return;
    }
    List<Alert> found = model.alerts(new ReadModel.AlertQuery(state, rc.queryParams().get("package"),
        rc.queryParams().get("rule"), since));
    json(rc, 200, new JsonObject().put("alerts", alerts(found)));
  }

  private String lastPoll(String pkg) {
    return metrics.lastPoll(pkg).map(Object::toString).orElse(null);
  }

  /** Each alert as on the alerts topic. */
  private static JsonArray alerts(List<Alert> alerts) {
    JsonArray out = new JsonArray();
    alerts.forEach(a -> out.add(new JsonObject(Buffer.buffer(AlertCodec.encode(a)))));
    return out;
  }

  /** A query parameter given at most once, or null. */
  private static String single(RoutingContext rc, String name) {
    List<String> values = rc.queryParams().getAll(name);
    if (values.size() > 1) {
      throw new BadParameter(name + ": given " + values.size() + " times, at most once allowed");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static LocalDate date(RoutingContext rc, String name) {
    String s = single(rc, name);
    if (s == null) {
      return null;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new BadParameter(name + ": '" + s + "' is not a date (YYYY-MM-DD)");
    }
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  static void error(RoutingContext rc, int status, String message) {
    json(rc, status, new JsonObject(Map.of("error", message, "status", status)));
  }

  /** A query parameter that cannot be used; the message names it. */
  private static final class BadParameter extends RuntimeException {
    BadParameter(String message) {
      super(message, null, false, false);
    }
  }
}

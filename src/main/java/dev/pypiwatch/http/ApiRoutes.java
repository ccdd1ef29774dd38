package dev.pypiwatch.http;

import dev.pypiwatch.config.ConfigError;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.config.SilenceRequest;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.Silence;
import dev.pypiwatch.ingest.PollMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The API under {@value #BASE}: the watchlist, one package, the alert transitions, the silences
 * (listed, created and expired; the mutating calls need the bearer token {@code http.api-token})
 * and the OpenAPI document that describes them (read from the classpath, {@value
 * #OPENAPI_RESOURCE}).
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
  private final SilencePublisher silencePublisher;
  // The token's digest: compared in constant time with the digest of what a request sends.
  private final byte[] tokenDigest;

  /** The largest silence body accepted. */
  public static final int MAX_BODY = 64 * 1024;

  /**
   * Routes over {@code model} for the packages {@code watchlist} names, freshness and last poll
   * times from {@code metrics}, "yesterday" by {@code clock} and the live stream {@code events}.
   */
  public ApiRoutes(ReadModel model, Supplier<? extends Collection<String>> watchlist, PollMetrics metrics,
      Clock clock, EventStream events) {
    this(model, watchlist, metrics, clock, events, s -> {
      throw new IllegalStateException("no silences store");
    }, Secret.of(""));
  }

  /**
   * The same, storing silences with {@code silencePublisher}, the mutating calls allowed with the
   * bearer token {@code apiToken} (none if empty: they are refused).
   */
  public ApiRoutes(ReadModel model, Supplier<? extends Collection<String>> watchlist, PollMetrics metrics,
      Clock clock, EventStream events, SilencePublisher silencePublisher, Secret apiToken) {
    this.silencePublisher = silencePublisher;
    this.tokenDigest = apiToken.isEmpty() ? null : sha256(apiToken.reveal());
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
    String silences = BASE + "/silences";
    router.get(silences).handler(this::silences);
    // Vert.x reads the body before any other handler: a body too big is refused before the token is checked.
    router.post(silences).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::authorize)
        .handler(this::createSilence).failureHandler(ApiRoutes::bodyFailure);
    notAllowed(router, silences, "GET, POST");
    String one = silences + "/:id";
    router.get(one).handler(this::silence);
    router.delete(one).handler(this::authorize).handler(this::expireSilence);
    notAllowed(router, one, "GET, DELETE");
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

  /** Registered after the path's routes, so only other methods reach it. */
  private static void notAllowed(Router router, String path, String allowed) {
    router.route(path).handler(rc -> {
      rc.response().putHeader("allow", allowed);
      error(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path() + ": use "
          + allowed.replace(", ", " or "));
    });
  }

  private void silences(RoutingContext rc) {
    Instant now = clock.instant();
    JsonArray out = new JsonArray();
    model.silences(now).forEach(s -> out.add(silenceJson(s, now)));
    json(rc, 200, new JsonObject().put("silences", out));
  }

  private void silence(RoutingContext rc) {
    String id = rc.pathParam("id");
    model.silence(id).ifPresentOrElse(s -> json(rc, 200, silenceJson(s, clock.instant())),
        () -> error(rc, 404, "no silence with id " + id));
  }

  /**
   * Lets a mutating call through with the configured bearer token: 403 if none is configured, 401
   * (with {@code WWW-Authenticate}) if the request has none or another.
   */
  private void authorize(RoutingContext rc) {
    if (tokenDigest == null) {
      error(rc, 403, "changes through the API are disabled: no API token is configured. Set http.api-token "
          + "(e.g. api-token: ${PYPIWATCH_API_TOKEN} with that variable set) and send Authorization: Bearer <token>");
      return;
    }
    String header = rc.request().getHeader("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rc.response().putHeader("www-authenticate", "Bearer realm=\"pypiwatch\"");
      error(rc, 401, "missing Authorization: Bearer <token> header (the token of http.api-token)");
      return;
    }
    if (!MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()))) {
      rc.response().putHeader("www-authenticate", "Bearer realm=\"pypiwatch\", error=\"invalid_token\"");
      error(rc, 401, "wrong bearer token (it is not http.api-token)");
      return;
    }
    rc.next();
  }

  private void createSilence(RoutingContext rc) {
    Instant now = clock.instant();
    Silence s;
    try {
      s = SilenceRequest.bind(rc.body().asString(StandardCharsets.UTF_8.name()), UUID.randomUUID().toString(), now);
    } catch (ConfigException e) {
      error(rc, 400, describe(e));
      return;
    }
    if (s.untilResolved() != null) {
      String problem = untilResolvedProblem(s);
      if (problem != null) {
        error(rc, 400, "until-resolved: " + problem);
        return;
      }
    }
    store(rc, s, 201);
  }

  /** Why the alert an until-resolved silence names cannot end it, or null if it can. */
  private String untilResolvedProblem(Silence s) {
    var last = model.lastTransition(s.untilResolved());
    if (last.isEmpty()) {
      return "no alert has the fingerprint '" + s.untilResolved() + "' (see GET /api/v1/alerts?state=firing)";
    }
    Alert a = last.get();
    if (a.state() != AlertState.FIRING) {
      return "the alert '" + a.fingerprint() + "' is not firing (it resolved on " + a.date() + ")";
    }
    if (!s.match().matches(a)) {
      return "match does not match the alert '" + a.fingerprint() + "' (package " + a.packageName() + ", rule "
          + a.rule() + ", severity " + a.severity().wire() + "): the silence would not silence it";
    }
    return null;
  }

  private void expireSilence(RoutingContext rc) {
    String id = rc.pathParam("id");
    var known = model.silence(id);
    if (known.isEmpty()) {
      error(rc, 404, "no silence with id " + id);
      return;
    }
    Silence s = known.get();
    if (s.source() == Silence.Source.CONFIG) {
      error(rc, 409, "silence " + id + " is configured (notify.silences): remove it from the configuration");
      return;
    }
    Instant now = clock.instant();
    if (s.ended(now)) {
      json(rc, 200, silenceJson(s, now)); // expired already: nothing to change
      return;
    }
    store(rc, s.expiredAt(now), 200);
  }

  /** Publishes {@code s} off the event loop; answers {@code status} with it once stored, 503 if it was not. */
  private void store(RoutingContext rc, Silence s, int status) {
    rc.vertx().executeBlocking(() -> {
      silencePublisher.publish(s);
      return null;
    }).onComplete(r -> {
      if (r.failed()) {
        error(rc, 503, "the silence was not stored: " + r.cause().getMessage());
        return;
      }
      model.add(s); // read your write: the feed brings the same record a moment later
      if (status == 201) {
        rc.response().putHeader("location", BASE + "/silences/" + s.id());
      }
      json(rc, status, silenceJson(s, clock.instant()));
    });
  }

  /** Every problem of a request body, each as {@code key.path: message}. */
  private static String describe(ConfigException e) {
    return e.errors().stream()
        .map(err -> err.keyPath().isEmpty() ? err.message() : err.keyPath() + ": " + err.message())
        .collect(Collectors.joining("; "));
  }

  private static void bodyFailure(RoutingContext rc) {
    if (rc.statusCode() == 413) {
      error(rc, 413, "request body larger than " + MAX_BODY / 1024 + " KiB");
    } else if (rc.statusCode() >= 400 && rc.statusCode() < 500) {
      error(rc, rc.statusCode(), "bad request body");
    } else {
      rc.next();
    }
  }

  /** A silence as the API shows it: the keys of a configured silence, with its status at {@code now}. */
  static JsonObject silenceJson(Silence s, Instant now) {
    return new JsonObject()
        .put("id", s.id())
        .put("match", new JsonObject()
            .put("packages", new JsonArray(s.match().packages()))
            .put("rules", new JsonArray(s.match().rules()))
            .put("severities", new JsonArray(s.match().severities()))
            .put("states", new JsonArray(s.match().states())))
        .put("starts-at", s.startsAt().toString())
        .put("ends-at", s.endsAt() == null ? null : s.endsAt().toString())
        .put("until-resolved", s.untilResolved())
        .put("comment", s.comment())
        .put("created-by", s.createdBy())
        .put("created-at", s.createdAt().toString())
        .put("status", s.status(now).wire())
        .put("source", s.source().wire());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
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

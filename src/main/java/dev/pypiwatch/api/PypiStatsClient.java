package dev.pypiwatch.api;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.outbound.UserAgent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Asynchronous client of the PyPI Stats API: validates and normalizes package names, paces and
 * retries requests politely, caps and validates bodies, and answers {@link ApiResponse}s or
 * fails with a {@link PypiStatsException}.
 *
 * <p>Futures complete on the Vert.x context of the caller (a new one for non-Vert.x threads).
 */
public final class PypiStatsClient implements AutoCloseable {

  private final Vertx vertx;
  private final ApiConfig config;
  private final HttpClientAgent http;
  private final RetryingExchange.Shared shared;
  private final boolean ownsPacer;
  private final Set<RetryingExchange> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A client with its own {@link RequestPacer} from the config. */
  public PypiStatsClient(Vertx vertx, ApiConfig config) {
    this(vertx, config, new RequestPacer(vertx, config.minInterval(), config.maxConcurrency()),
        true);
  }

  /** A client that shares {@code pacer} with others, so that all of them stay polite together. */
  public PypiStatsClient(Vertx vertx, ApiConfig config, RequestPacer pacer) {
    this(vertx, config, pacer, false);
  }

  private PypiStatsClient(Vertx vertx, ApiConfig config, RequestPacer pacer, boolean ownsPacer) {
    this.vertx = vertx;
    this.config = config;
    this.ownsPacer = ownsPacer;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(config.maxConcurrency()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("User-Agent", UserAgent.of(config.contact()))
        .add("Accept", "application/json");
    this.shared = new RetryingExchange.Shared(vertx, http, headers, config, pacer,
        config.retryPolicy(), config.rateLimitPolicy(), () -> closed);
  }

  /** {@code /recent}, optionally filtered to one period. */
  public Future<ApiResponse<RecentResponse>> fetchRecent(String pkg, RecentPeriod periodOrNull) {
    String query = periodOrNull == null ? null : "period=" + periodOrNull.query();
    return fetch(pkg, Endpoint.RECENT, query, ResponseParser::parseRecent, r -> false);
  }

  /** {@code /overall}, optionally with or without mirrors only. */
  public Future<ApiResponse<SeriesResponse>> fetchOverall(String pkg, Boolean mirrorsOrNull) {
    String query = mirrorsOrNull == null ? null : "mirrors=" + mirrorsOrNull;
    return fetchSeries(pkg, Endpoint.OVERALL, query);
  }

  /** {@code /python_major}, optionally for one major version (e.g. {@code 3}). */
  public Future<ApiResponse<SeriesResponse>> fetchPythonMajor(String pkg, String versionOrNull) {
    return fetchSeries(pkg, Endpoint.PYTHON_MAJOR, param("version", versionOrNull));
  }

  /** {@code /python_minor}, optionally for one minor version (e.g. {@code 3.12}). */
  public Future<ApiResponse<SeriesResponse>> fetchPythonMinor(String pkg, String versionOrNull) {
    return fetchSeries(pkg, Endpoint.PYTHON_MINOR, param("version", versionOrNull));
  }

  /** {@code /system}, optionally for one operating system. */
  public Future<ApiResponse<SeriesResponse>> fetchSystem(String pkg, OperatingSystem osOrNull) {
    String query = osOrNull == null ? null : "os=" + osOrNull.query();
    return fetchSeries(pkg, Endpoint.SYSTEM, query);
  }

  /**
   * The unfiltered endpoint's body exactly as received, once it has passed validation (what the
   * {@code record} command stores); {@link ApiResponse.NoData} for an empty series.
   */
  public Future<ApiResponse<String>> fetchBody(String pkg, Endpoint endpoint) {
    if (endpoint == Endpoint.RECENT) {
      return fetch(pkg, endpoint, null, body -> {
        ResponseParser.parseRecent(body);
        return new String(body, StandardCharsets.UTF_8);
      }, s -> false);
    }
    // The parsed rows are dropped; null marks an empty series, which becomes NoData.
    return fetch(pkg, endpoint, null, body -> ResponseParser.parseSeries(body).rows().isEmpty()
        ? null : new String(body, StandardCharsets.UTF_8), s -> s == null);
  }

  /**
   * The URL of an endpoint of a package, with an already encoded query or null.
   *
   * @throws IllegalArgumentException if {@code pkg} is not a valid package name
   */
  public String url(String pkg, Endpoint endpoint, String encodedQuery) {
    String segment = URLEncoder.encode(PackageName.normalize(pkg), StandardCharsets.UTF_8)
        .replace("+", "%20");
    return config.baseUrl() + "/packages/" + segment + "/" + endpoint.path()
        + (encodedQuery == null ? "" : "?" + encodedQuery);
  }

  private Future<ApiResponse<SeriesResponse>> fetchSeries(String pkg, Endpoint e, String query) {
    return fetch(pkg, e, query, ResponseParser::parseSeries, s -> s.rows().isEmpty());
  }

  private <T> Future<ApiResponse<T>> fetch(String pkg, Endpoint endpoint, String query,
      Function<byte[], T> parser, Predicate<T> isEmpty) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("PypiStatsClient is closed"));
    }
    if (!PackageName.isValid(pkg)) {
      return Future.failedFuture(new PypiStatsException(String.valueOf(pkg), endpoint,
          PypiStatsException.Kind.INVALID_PACKAGE, 0, 0, PackageName.describeInvalid(pkg), null));
    }
    String url = url(pkg, endpoint, query);
    RetryingExchange exchange =
        RetryingExchange.start(shared, vertx.getOrCreateContext(), pkg, endpoint, url);
    open.add(exchange);
    return exchange.result()
        .onComplete(done -> open.remove(exchange))
        .map(answer -> toResponse(pkg, endpoint, url, answer, parser, isEmpty));
  }

  private static <T> ApiResponse<T> toResponse(String pkg, Endpoint endpoint, String url,
      RawAnswer answer, Function<byte[], T> parser, Predicate<T> isEmpty) {
    Instant now = Instant.now();
    if (answer.status() == 404) {
      return new ApiResponse.NotFound<>(url, now);
    }
    T value;
    try {
      value = parser.apply(answer.body());
    } catch (InvalidResponseException e) {
      throw new PypiStatsException(pkg, endpoint, PypiStatsException.Kind.INVALID_RESPONSE,
          answer.status(), answer.attempt(), "invalid response: " + e.getMessage(), e);
    }
    String body = new String(answer.body(), StandardCharsets.UTF_8);
    return isEmpty.test(value)
        ? new ApiResponse.NoData<>(body, url, now)
        : new ApiResponse.Data<>(value, body, url, now);
  }

  private static String param(String name, String valueOrNull) {
    return valueOrNull == null ? null
        : name + "=" + URLEncoder.encode(valueOrNull, StandardCharsets.UTF_8);
  }

  /** Stops accepting requests, fails pending ones (also those waiting to retry), closes HTTP. */
  @Override
  public void close() {
    closed = true;
    open.forEach(RetryingExchange::abandon);
    if (ownsPacer) {
      shared.pacer().close();
    }
    http.close();
  }
}

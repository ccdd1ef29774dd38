package dev.pypiwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.config.PypiJsonConfig;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.Release;
import dev.pypiwatch.outbound.RetryPolicy;
import dev.pypiwatch.outbound.UserAgent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The releases of a package from PyPI's JSON API ({@code <pypi-json-url>/<package>/json}), asked
 * only when an alert is about to be sent, to say whether a release that day or the day before
 * probably explains it. Polite: its own {@link RequestPacer} (one request at a time, {@code
 * pypi-json-min-interval} apart), a short time-out and few retries, and each package's answer
 * cached for {@code pypi-json-cache-ttl}. It never fails: any failure (404, 5xx, time-out, a
 * malformed body) answers "no release known", logged once per package and cache period.
 */
public final class PypiReleases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PypiReleases.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The largest body read: the JSON of a package with thousands of releases runs to megabytes. */
  static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

  /** One package's answer: its releases' first upload times, or null if the lookup failed. */
  private record Cached(Future<List<Release>> releases, Instant expires) {}

  private final Vertx vertx;
  private final PypiJsonConfig config;
  private final Clock clock;
  private final HttpClientAgent http;
  private final RequestPacer pacer;
  private final RetryPolicy retry;
  private final MultiMap headers;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A client of {@code config}'s server, naming {@code contact} in its User-Agent. */
  public PypiReleases(Vertx vertx, PypiJsonConfig config, String contact, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1));
    this.pacer = new RequestPacer(vertx, config.minInterval(), 1);
    this.retry = config.retryPolicy();
    this.headers = MultiMap.caseInsensitiveMultiMap()
        .add("User-Agent", UserAgent.of(contact))
        .add("Accept", "application/json");
  }

  /** The URL asked for {@code pkg}. */
  public String url(String pkg) {
    return config.baseUrl() + "/" + URLEncoder.encode(PackageName.normalize(pkg), StandardCharsets.UTF_8)
        .replace("+", "%20") + "/json";
  }

  /**
   * The newest release of {@code pkg} first uploaded on {@code day} or the day before (UTC); empty
   * if there is none or the lookup failed. Never fails.
   */
  public Future<Optional<Release>> near(String pkg, LocalDate day) {
    if (closed || !PackageName.isValid(pkg)) {
      return Future.succeededFuture(Optional.empty());
    }
    return releases(PackageName.normalize(pkg)).map(all -> all == null ? Optional.empty() : pick(all, day));
  }

  /** The newest of {@code all} first uploaded on {@code day} or the day before. */
  static Optional<Release> pick(List<Release> all, LocalDate day) {
    Release best = null;
    for (Release r : all) {
      LocalDate d = LocalDate.ofInstant(r.uploaded(), ZoneOffset.UTC);
      if ((d.equals(day) || d.equals(day.minusDays(1)))
          && (best == null || r.uploaded().isAfter(best.uploaded()))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The cached releases of {@code pkg}, or a new lookup; completes with null on failure. */
  private Future<List<Release>> releases(String pkg) {
    Instant now = clock.instant();
    Cached c = cache.compute(pkg, (k, old) -> old != null && now.isBefore(old.expires()) ? old
        : new Cached(lookup(k), now.plus(config.cacheTtl())));
    return c.releases();
  }

  private Future<List<Release>> lookup(String pkg) {
    String url = url(pkg);
    Promise<List<Release>> result = Promise.promise();
    vertx.runOnContext(v -> attempt(pkg, url, 1, result));
    return result.future();
  }

  private void attempt(String pkg, String url, int n, Promise<List<Release>> result) {
    pacer.acquire().onComplete(granted -> {
      if (granted.failed() || closed) {
        result.tryComplete(null);
        return;
      }
      RequestPacer.Permit permit = granted.result();
      HttpAttempt.get(vertx, http, headers, url, config.requestTimeout().toMillis(), MAX_BODY_BYTES)
          .onComplete(ar -> {
            permit.release();
            String problem;
            boolean retryable;
            if (ar.failed()) {
              problem = ar.cause() instanceof AttemptFailure f ? f.describe() : String.valueOf(ar.cause());
              retryable = true;
            } else if (ar.result().status() == 200) {
              try {
                result.tryComplete(parse(ar.result().body()));
                return;
              } catch (IllegalArgumentException e) {
                problem = "invalid body: " + e.getMessage();
                retryable = false;
              }
            } else {
              int status = ar.result().status();
              problem = "HTTP " + status;
              retryable = RetryPolicy.isRetryable(status);
            }
            if (retryable && retry.allowsAnotherAfter(n) && !closed) {
              Duration wait = retry.backoff(n);
              vertx.setTimer(Math.max(1, wait.toMillis()), id -> attempt(pkg, url, n + 1, result));
              return;
            }
            // Once per package and cache period: the failure is cached with the answer.
            LOG.warn("no release information for {} from {} after {} attempt(s): {}; its alerts go out"
                + " without it", pkg, url, n, problem);
            result.tryComplete(null);
          });
    });
  }

  /**
   * The releases in a PyPI JSON API body: {@code releases} maps each version to its files, whose
   * earliest {@code upload_time_iso_8601} is the release's upload time; versions without files are
   * left out.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static List<Release> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
    }
    JsonNode releases = root == null ? null : root.get("releases");
    if (releases == null || !releases.isObject()) {
      throw new IllegalArgumentException("expected an object 'releases'");
    }
    List<Release> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = releases.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isArray()) {
        throw new IllegalArgumentException("releases." + e.getKey() + ": expected an array of files");
      }
      Instant first = null;
      for (JsonNode file : e.getValue()) {
        JsonNode t = file.get("upload_time_iso_8601");
        if (t == null || !t.isTextual()) {
          throw new IllegalArgumentException("releases." + e.getKey() + ": a file without upload_time_iso_8601");
        }
        try {
          Instant at = Instant.parse(t.asText());
          first = first == null || at.isBefore(first) ? at : first;
        } catch (DateTimeParseException ex) {
          throw new IllegalArgumentException("releases." + e.getKey() + ": upload_time_iso_8601 '"
              + t.asText() + "' is not an RFC 3339 time", ex);
        }
      }
      if (first != null) {
        out.add(new Release(e.getKey(), first));
      }
    }
    return out;
  }

  /** Stops asking: later and waiting lookups answer "no release known". */
  @Override
  public void close() {
    closed = true;
    pacer.close();
    http.close();
  }
}

package dev.pypiwatch.api;

import static dev.pypiwatch.api.PypiStatsException.Kind.HTTP_ERROR;
import static dev.pypiwatch.api.PypiStatsException.Kind.RATE_LIMITED;
import static dev.pypiwatch.api.PypiStatsException.Kind.SERVER_ERROR;

import dev.pypiwatch.config.ApiConfig;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.outbound.Excerpt;
import dev.pypiwatch.outbound.RetryPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the attempts of one logical request through the pacer, retrying 429, 5xx, time-outs and
 * connection failures with back-off. Completes with a 2xx or 404 answer, or fails with a
 * {@link PypiStatsException}. All its steps run on one Vert.x context.
 */
final class RetryingExchange {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingExchange.class);

  /** The client-wide parts every exchange shares. */
  record Shared(Vertx vertx, HttpClient http, MultiMap headers, ApiConfig config,
      RequestPacer pacer, RetryPolicy failures, RetryPolicy rateLimits,
      BooleanSupplier closed) {}

  private final Shared shared;
  private final Context context;
  private final String packageName;
  private final Endpoint endpoint;
  private final String url;
  private final Promise<RawAnswer> result = Promise.promise();
  private long retryTimer = -1;
  private int attempts;

  private RetryingExchange(Shared shared, Context context, String packageName, Endpoint endpoint,
      String url) {
    this.shared = shared;
    this.context = context;
    this.packageName = packageName;
    this.endpoint = endpoint;
    this.url = url;
  }

  /** Starts an exchange; its {@link #result()} completes on {@code context}. */
  static RetryingExchange start(Shared shared, Context context, String packageName,
      Endpoint endpoint, String url) {
    RetryingExchange exchange = new RetryingExchange(shared, context, packageName, endpoint, url);
    context.runOnContext(v -> exchange.attempt(1));
    return exchange;
  }

  /** The final answer (2xx or 404), or a {@link PypiStatsException}. */
  Future<RawAnswer> result() {
    return result.future();
  }

  /** Fails the exchange at once (the client is closing) instead of after a pending back-off. */
  void abandon() {
    context.runOnContext(v -> {
      if (retryTimer != -1) {
        shared.vertx().cancelTimer(retryTimer);
      }
      result.tryFail(closed(attempts, null));
    });
  }

  private void attempt(int n) {
    // The pacer may grant from another thread's timer: hop back so all steps share one context.
    shared.pacer().acquire().onComplete(granted -> context.runOnContext(v -> {
      if (granted.failed() || shared.closed().getAsBoolean()) {
        if (granted.succeeded()) {
          granted.result().release(); // a pending retry of a client closed meanwhile
        }
        result.tryFail(closed(n - 1, granted.cause()));
        return;
      }
      attempts = n;
      send(n, granted.result());
    }));
  }

  private void send(int n, RequestPacer.Permit permit) {
    LOG.debug("pypistats {} of '{}': attempt {} GET {}", endpoint, packageName, n, url);
    ApiConfig c = shared.config();
    HttpAttempt.get(shared.vertx(), shared.http(), shared.headers(), url,
            c.requestTimeout().toMillis(), c.maxBodyBytes())
        .onComplete(done -> {
          try {
            if (done.succeeded()) {
              onAnswer(n, done.result());
            } else {
              onFailure(n, (AttemptFailure) done.cause(), Optional.empty());
            }
          } finally {
            // Released only now: after a 429 the pause must be in place before a waiting
            // request can take this slot.
            permit.release();
          }
        });
  }

  private void onAnswer(int n, RawAnswer answer) {
    int status = answer.status();
    if (status != 429) {
      shared.pacer().answered();
    }
    if (status / 100 == 2 || status == 404) {
      result.tryComplete(answer.withAttempt(n));
      return;
    }
    Optional<Duration> retryAfter = RetryPolicy.retryAfter(answer.retryAfter(), Instant.now());
    PypiStatsException.Kind kind = status == 429 ? RATE_LIMITED
        : RetryPolicy.isRetryable(status) ? SERVER_ERROR : HTTP_ERROR; // 408 too: see RetryPolicy
    onFailure(n, new AttemptFailure(kind, status, "HTTP " + status,
        Excerpt.ofBody(answer.body())), retryAfter);
  }

  private void onFailure(int n, AttemptFailure failure, Optional<Duration> retryAfter) {
    if (!failure.kind().retryable() || !shared.failures().allowsAnotherAfter(n)) {
      result.tryFail(failure(failure, n, null));
      return;
    }
    Duration delay = retryAfter.orElseGet(() -> failure.kind() == RATE_LIMITED
        ? shared.rateLimits().backoff(shared.pacer().rateLimited())
        : shared.failures().backoff(n));
    if (failure.kind() == RATE_LIMITED) {
      // The limit is per IP and site-wide: every request of this client must wait, not just us.
      shared.pacer().pause(delay);
    }
    // A connection failure is the caller's to report once (an unreachable upstream fails every
    // request alike); an answer the server gave is worth a line per attempt.
    if (failure.kind() == PypiStatsException.Kind.CONNECTION) {
      LOG.debug("pypistats {} of '{}': attempt {}/{} failed ({}); retrying in {} ms", endpoint, packageName, n,
          shared.config().maxAttempts(), failure.describe(), delay.toMillis());
    } else {
      LOG.warn("pypistats {} of '{}': attempt {}/{} failed ({}); retrying in {} ms{}", endpoint,
          packageName, n, shared.config().maxAttempts(), failure.describe(), delay.toMillis(),
          retryAfter.isPresent() ? " (Retry-After)" : "");
    }
    retryTimer = shared.vertx().setTimer(Math.max(1, delay.toMillis()), id -> {
      retryTimer = -1;
      attempt(n + 1);
    });
  }

  private PypiStatsException closed(int attemptsMade, Throwable cause) {
    return failure(new AttemptFailure(PypiStatsException.Kind.CONNECTION, 0, "client closed",
        null), attemptsMade, cause);
  }

  private PypiStatsException failure(AttemptFailure f, int attempts, Throwable cause) {
    StringBuilder detail = new StringBuilder(f.reason());
    if (f.kind().retryable()) {
      detail.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    }
    if (f.excerpt() != null && !f.excerpt().isEmpty()) {
      detail.append(": \"").append(f.excerpt()).append('"');
    }
    return new PypiStatsException(packageName, endpoint, f.kind(), f.status(), attempts,
        detail.toString(), cause);
  }
}

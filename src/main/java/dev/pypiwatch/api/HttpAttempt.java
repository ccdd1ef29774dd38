package dev.pypiwatch.api;

import static dev.pypiwatch.api.PypiStatsException.Kind.BODY_TOO_LARGE;
import static dev.pypiwatch.api.PypiStatsException.Kind.CONNECTION;
import static dev.pypiwatch.api.PypiStatsException.Kind.TIMEOUT;

import dev.pypiwatch.outbound.Excerpt;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One GET with a deadline for the whole exchange (connect to end of body) and a body size cap
 * enforced while streaming; it fails with an {@link AttemptFailure}, never retries.
 */
final class HttpAttempt {
  private final Vertx vertx;
  private final HttpClient client;
  private final MultiMap headers;
  private final long timeoutMillis;
  private final long maxBodyBytes;
  private final Promise<RawAnswer> promise = Promise.promise();
  private HttpClientRequest request;
  private Buffer body;

  private HttpAttempt(Vertx vertx, HttpClient client, MultiMap headers, long timeoutMillis,
      long maxBodyBytes) {
    this.vertx = vertx;
    this.client = client;
    this.headers = headers;
    this.timeoutMillis = timeoutMillis;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Sends a GET to {@code url}; call on the context that should receive the callbacks. */
  static Future<RawAnswer> get(Vertx vertx, HttpClient client, MultiMap headers, String url,
      long timeoutMillis, long maxBodyBytes) {
    return new HttpAttempt(vertx, client, headers, timeoutMillis, maxBodyBytes).start(url);
  }

  private Future<RawAnswer> start(String url) {
    long timer = vertx.setTimer(timeoutMillis, id -> abort(new AttemptFailure(TIMEOUT, 0,
        "no complete answer within " + timeoutMillis + " ms", null)));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(url).setHeaders(headers).setConnectTimeout(timeoutMillis)
        .setFollowRedirects(false);
    client.request(options)
        .compose(this::send)
        .onSuccess(this::onResponse)
        .onFailure(err -> promise.tryFail(connectionFailure(err)));
    return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private Future<HttpClientResponse> send(HttpClientRequest req) {
    request = req;
    if (promise.future().isComplete()) { // timed out while connecting
      req.reset();
      return Future.failedFuture(new AttemptFailure(TIMEOUT, 0, "timed out", null));
    }
    return req.send();
  }

  private void onResponse(HttpClientResponse response) {
    int status = response.statusCode();
    String length = response.getHeader("Content-Length");
    body = Buffer.buffer();
    // Set before any abort: a reset stream without an exception handler is logged as an error.
    response.exceptionHandler(err -> promise.tryFail(new AttemptFailure(CONNECTION, status,
        "connection closed before the end of the body (" + body.length() + " bytes received"
            + (length != null ? " of " + length.trim() : "") + "): " + describe(err), null)));
    if (length != null && declaredTooLarge(length)) {
      abort(new AttemptFailure(BODY_TOO_LARGE, status, "body of " + length.trim()
          + " bytes (Content-Length) exceeds the cap of " + maxBodyBytes + " bytes", null));
      return;
    }
    response.handler(chunk -> {
      if (body.length() + (long) chunk.length() > maxBodyBytes) {
        abort(new AttemptFailure(BODY_TOO_LARGE, status,
            "body exceeds the cap of " + maxBodyBytes + " bytes", null));
      } else if (!promise.future().isComplete()) {
        body.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> promise.tryComplete(
        new RawAnswer(status, response.getHeader("Retry-After"), body.getBytes(), 1)));
  }

  private boolean declaredTooLarge(String length) {
    try {
      return Long.parseLong(length.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      return false; // a bogus header; the streaming check still applies
    }
  }

  /** Fails the attempt and drops the connection, so no more of the body is read. */
  private void abort(AttemptFailure failure) {
    if (promise.tryFail(failure) && request != null) {
      request.reset();
    }
  }

  private static AttemptFailure connectionFailure(Throwable err) {
    if (err instanceof AttemptFailure f) {
      return f;
    }
    return new AttemptFailure(CONNECTION, 0, "connection failed: " + describe(err), null);
  }

  private static String describe(Throwable err) {
    String message = err.getMessage();
    return err.getClass().getSimpleName() + (message == null ? "" : " " + Excerpt.of(message, 100));
  }
}

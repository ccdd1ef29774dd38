package dev.pypiwatch.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * An HTTP server on an ephemeral port of localhost that answers with {@link FakeResponse}s: what the
 * fake upstream ({@link FakePypiStats}) and the fake receiver ({@link FakeReceiver}) share.
 */
abstract class FakeHttpServer {
  private static final int CHUNK = 8 * 1024;

  private final Vertx vertx;
  private final HttpServer server;

  FakeHttpServer(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** Takes a request: records it and {@link #answer}s it. */
  abstract void handle(HttpServerRequest request);

  /** Starts listening; completes once the port is bound. */
  final Future<Void> listen() {
    return server.listen(0, "localhost").mapEmpty();
  }

  /** Stops the server; later requests fail to connect. */
  public Future<Void> stop() {
    return server.close();
  }

  public int port() {
    return server.actualPort();
  }

  /** Sends {@code answer} to {@code request}, after its delay if it has one. */
  final void answer(HttpServerRequest request, FakeResponse answer) {
    if (answer.delay().isZero()) {
      respond(request, answer);
    } else {
      vertx.setTimer(answer.delay().toMillis(), id -> respond(request, answer));
    }
  }

  private static void respond(HttpServerRequest request, FakeResponse answer) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return; // the client gave up (time-out) meanwhile
    }
    response.setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    Buffer body = Buffer.buffer(answer.body());
    switch (answer.delivery()) {
      case WHOLE -> response.end(body);
      case CHUNKED -> {
        response.setChunked(true);
        for (int i = 0; i < body.length(); i += CHUNK) {
          response.write(body.getBuffer(i, Math.min(body.length(), i + CHUNK)));
        }
        response.end();
      }
      case CLOSE_EARLY -> {
        response.putHeader("Content-Length", String.valueOf(body.length()));
        response.write(body.getBuffer(0, answer.sendBytes()))
            .onComplete(ar -> request.connection().close());
      }
    }
  }
}

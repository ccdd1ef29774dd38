package dev.pypiwatch.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** A test client of an SSE stream: reads it on a thread of its own and parses its frames as a browser would. */
final class SseClient implements AutoCloseable {
  /** One dispatched event: {@code data} is its data lines joined by newlines. */
  record Frame(String event, String id, String data) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final int status;
  final String contentType;
  final List<Frame> frames = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  /** Lines that are neither a field, a comment nor blank: a malformed stream. */
  final List<String> malformed = new CopyOnWriteArrayList<>();
  private final Stream<String> lines;
  private final Thread reader;

  SseClient(String url) {
    this(url, null);
  }

  /** A client resuming after {@code lastEventId} (sent as {@code Last-Event-ID}; null: none). */
  SseClient(String url, String lastEventId) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("accept", "text/event-stream");
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<Stream<String>> r = HTTP.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines())
          .get(60, TimeUnit.SECONDS);
      status = r.statusCode();
      contentType = r.headers().firstValue("content-type").orElse("");
      lines = r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new UncheckedIOException(new IOException("cannot connect to " + url, e));
    }
    reader = new Thread(this::read, "sse-test-client");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    String event = null;
    String id = null;
    List<String> data = new ArrayList<>();
    try {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            frames.add(new Frame(event == null ? "message" : event, id, String.join("\n", data)));
          }
          event = null;
          data = new ArrayList<>();
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).strip());
        } else {
          int colon = line.indexOf(':');
          if (colon < 0) {
            malformed.add(line);
            continue;
          }
          String value = line.substring(colon + 1);
          value = value.startsWith(" ") ? value.substring(1) : value;
          switch (line.substring(0, colon)) {
            case "event" -> event = value;
            case "id" -> id = value;
            case "data" -> data.add(value);
            default -> malformed.add(line);
          }
        }
      }
    } catch (UncheckedIOException e) {
      // closed
    }
  }

  /** The frames of {@code event} seen so far. */
  List<Frame> frames(String event) {
    return frames.stream().filter(f -> f.event().equals(event)).toList();
  }

  @Override
  public void close() {
    lines.close();
  }
}

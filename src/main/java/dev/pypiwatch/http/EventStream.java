package dev.pypiwatch.http;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.ingest.PollListener;
import dev.pypiwatch.ingest.Poller;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@code GET /api/v1/events}: alert transitions and poll progress as Server-Sent Events. Whoever
 * publishes (the read model's Kafka reader, the poller) only hands a frame to each client's event
 * loop and returns; a client whose write queue is full is dropped rather than waited for. A client
 * that reconnects with {@code Last-Event-ID} first gets the alert transitions it missed.
 */
public final class EventStream implements PollListener {
  /** How often an idle stream gets a comment by default. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** The event telling a reconnecting client that its last event is unknown: fetch the state anew. */
  public static final String RESET = "reset";

  private final Duration keepAlive;
  private final Function<String, Optional<List<Alert>>> missedSince;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();

  /** A stream sending {@code : keep-alive} to each client every {@code keepAlive}, without replay. */
  public EventStream(Duration keepAlive) {
    this(keepAlive, id -> Optional.empty());
  }

  /**
   * The same, replaying to a client that sends {@code Last-Event-ID} what {@code missedSince} gives
   * for that id (the transitions after it, in order; empty if the id is unknown).
   */
  public EventStream(Duration keepAlive, Function<String, Optional<List<Alert>>> missedSince) {
    this.keepAlive = keepAlive;
    this.missedSince = missedSince;
  }

  /** One connected client, written to on its connection's context only. */
  private final class Client {
    final HttpServerResponse response;
    final Context context;
    final Vertx vertx;
    // Ids replayed on connect: the live copy of a transition recorded meanwhile is not sent again.
    final Set<String> replayed = new HashSet<>();
    long timer = -1;
    boolean gone;

    Client(RoutingContext rc) {
      this.response = rc.response();
      this.context = Vertx.currentContext();
      this.vertx = rc.vertx();
    }

    void send(String frame) {
      context.runOnContext(v -> write(frame));
    }

    void sendAlert(String id, String frame) {
      context.runOnContext(v -> {
        if (!replayed.contains(id)) {
          write(frame);
        }
      });
    }

    private void write(String frame) {
      if (gone) {
        return;
      }
      if (response.writeQueueFull()) {
        // Too slow to keep up: waiting would grow memory without bound, so it goes.
        dropped.incrementAndGet();
        remove();
        response.reset();
        return;
      }
      response.write(frame, StandardCharsets.UTF_8.name());
    }

    void remove() {
      if (!gone) {
        gone = true;
        clients.remove(this);
        if (timer != -1) {
          vertx.cancelTimer(timer);
        }
      }
    }
  }

  /** Serves one client until it goes: the route's handler. */
  void handle(RoutingContext rc) {
    Client c = new Client(rc);
    HttpServerResponse r = rc.response();
    r.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    r.closeHandler(v -> c.remove());
    r.exceptionHandler(e -> c.remove());
    clients.add(c);
    // Sends the headers at once, so the client knows it is connected before the first event.
    r.write(SseFrame.comment("connected"));
    String last = rc.request().getHeader("Last-Event-ID");
    if (last != null && !last.isBlank()) {
      // Registered first, replayed second: a transition recorded in between is in the replay, and
      // its live copy, queued behind this handler on the same context, is skipped.
      Optional<List<Alert>> missed = missedSince.apply(last.strip());
      if (missed.isPresent()) {
        for (Alert a : missed.get()) {
          String id = Ids.alertId(a);
          c.replayed.add(id);
          r.write(alertFrame(id, a));
        }
      } else {
        r.write(SseFrame.event(RESET, null, SseFrame.resetData(last.strip())));
      }
    }
    c.timer = rc.vertx().setPeriodic(keepAlive.toMillis(), id -> c.write(SseFrame.comment("keep-alive")));
  }

  /** Sends {@code frame} to every client now connected; returns at once. Safe from any thread. */
  public void publish(String frame) {
    for (Client c : clients) {
      c.send(frame);
    }
  }

  /** An alert transition just recorded by the read model. */
  public void alert(Alert a) {
    if (!clients.isEmpty()) {
      String id = Ids.alertId(a);
      String frame = alertFrame(id, a);
      for (Client c : clients) {
        c.sendAlert(id, frame);
      }
    }
  }

  private static String alertFrame(String id, Alert a) {
    return SseFrame.event("alert", id, new String(AlertCodec.encode(a), StandardCharsets.UTF_8));
  }

  @Override
  public void polled(String pkg, Outcome outcome, Instant at) {
    if (!clients.isEmpty()) {
      String name = PackageName.isValid(pkg) ? PackageName.normalize(pkg) : pkg;
      publish(SseFrame.event("poll", null, SseFrame.pollData(name, outcome, at)));
    }
  }

  @Override
  public void cycleFinished(Poller.CycleReport report) {
    if (!clients.isEmpty()) {
      publish(SseFrame.event("cycle", null, SseFrame.cycleData(report.expectedNewest(), report.fresh().size(),
          report.behind().size(), report.invalid().size())));
    }
  }

  /** Clients connected now. */
  public int clients() {
    return clients.size();
  }

  /** Clients dropped because they could not keep up, since start-up. */
  public long dropped() {
    return dropped.get();
  }

  /** Its figures by metric name, for {@code /metrics}. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pypiwatch_sse_clients", (long) clients.size());
    m.put("pypiwatch_sse_dropped_clients_total", dropped.get());
    return m;
  }
}

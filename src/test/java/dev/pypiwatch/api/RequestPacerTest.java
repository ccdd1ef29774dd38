package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RequestPacerTest {

  @Test
  void spacesStartsByTheMinimumInterval(Vertx vertx) {
    RequestPacer pacer = new RequestPacer(vertx, Duration.ofMillis(50), 10);
    List<Long> grants = new CopyOnWriteArrayList<>();
    List<Future<?>> all = new ArrayList<>();
    long issued = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      all.add(pacer.acquire().onSuccess(p -> {
        grants.add(System.nanoTime());
        p.release();
      }));
    }
    Await.result(Future.all(all));
    // The i-th grant comes at least i intervals after the first acquire. Measured from a time taken
    // before it, not between grants: a grant's callback that runs late (the thread was preempted on
    // a loaded machine) would shorten the measured gap to the next one, though the starts were spaced.
    assertEquals(5, grants.size());
    for (int i = 0; i < grants.size(); i++) {
      long sinceIssuedMs = (grants.get(i) - issued) / 1_000_000;
      assertTrue(sinceIssuedMs >= 50L * i, "grant " + i + " came " + sinceIssuedMs + " ms after the first acquire");
    }
  }

  @Test
  void limitsPermitsInFlight(Vertx vertx) {
    RequestPacer pacer = new RequestPacer(vertx, Duration.ZERO, 2);
    List<RequestPacer.Permit> held = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 4; i++) {
      pacer.acquire().onSuccess(held::add);
    }
    Await.until(() -> held.size() == 2, Duration.ofSeconds(2));
    assertEquals(2, pacer.inFlight());
    held.get(0).release();
    held.get(0).release(); // idempotent
    Await.until(() -> held.size() == 3, Duration.ofSeconds(2));
    assertEquals(2, pacer.inFlight());
  }

  @Test
  void pauseHoldsBackEveryone(Vertx vertx) {
    RequestPacer pacer = new RequestPacer(vertx, Duration.ZERO, 4);
    long start = System.nanoTime();
    pacer.pause(Duration.ofMillis(120));
    Await.result(pacer.acquire());
    assertTrue(System.nanoTime() - start >= 115_000_000L);
  }

  @Test
  void closeFailsWaiters(Vertx vertx) {
    RequestPacer pacer = new RequestPacer(vertx, Duration.ofSeconds(10), 1);
    Await.result(pacer.acquire());
    Future<RequestPacer.Permit> waiting = pacer.acquire();
    pacer.close();
    assertTrue(Await.failure(waiting) instanceof IllegalStateException);
  }
}

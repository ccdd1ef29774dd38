package dev.pypiwatch.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The politeness gate in front of the upstream: at most one request start per {@code minInterval}
 * and at most {@code maxConcurrency} requests in flight, retries included; a 429 pauses everyone.
 *
 * <p>The upstream limits per client IP, so one pacer should serve the whole process. Waiting is
 * done with Vert.x timers, never by blocking; the methods are thread-safe.
 */
public final class RequestPacer {
  private final Vertx vertx;
  private final long minIntervalNanos;
  private final int maxConcurrency;
  private final Deque<Promise<Permit>> waiting = new ArrayDeque<>();
  private long lastStartNanos;
  private long pausedUntilNanos;
  private int inFlight;
  private int consecutiveRateLimits;
  private long timerId = -1;
  private boolean closed;

  public RequestPacer(Vertx vertx, Duration minInterval, int maxConcurrency) {
    if (maxConcurrency < 1 || minInterval.isNegative()) {
      throw new IllegalArgumentException("maxConcurrency must be >= 1, minInterval >= 0");
    }
    this.vertx = vertx;
    this.minIntervalNanos = minInterval.toNanos();
    this.maxConcurrency = maxConcurrency;
    long now = System.nanoTime();
    this.lastStartNanos = now - minIntervalNanos; // the first request may start at once
    this.pausedUntilNanos = now;
  }

  /** The right to start one request; release it when the answer (or failure) is complete. */
  public final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    /** Frees the concurrency slot; calling it again has no effect. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        synchronized (RequestPacer.this) {
          inFlight--;
        }
        drain();
      }
    }
  }

  /** Completes (in FIFO order) when a request may start; fails if the pacer is closed. */
  public Future<Permit> acquire() {
    Promise<Permit> promise = Promise.promise();
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("request pacer closed"));
      }
      waiting.add(promise);
    }
    drain();
    return promise.future();
  }

  /** Holds back every request start until {@code delay} from now (a 429: the limit is per IP). */
  public void pause(Duration delay) {
    synchronized (this) {
      pausedUntilNanos = Math.max(pausedUntilNanos, System.nanoTime() + delay.toNanos());
    }
    drain();
  }

  /** Counts a 429 and returns how many came in a row, which sets how long to back off. */
  public synchronized int rateLimited() {
    return ++consecutiveRateLimits;
  }

  /** Records an answer other than 429, which ends a run of 429s. */
  public synchronized void answered() {
    consecutiveRateLimits = 0;
  }

  /** The number of permits currently held. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Fails every waiting acquisition and refuses new ones. */
  public void close() {
    List<Promise<Permit>> dropped;
    synchronized (this) {
      closed = true;
      if (timerId != -1) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
      dropped = new ArrayList<>(waiting);
      waiting.clear();
    }
    dropped.forEach(p -> p.tryFail(new IllegalStateException("request pacer closed")));
  }

  /** Grants every permit that may start now, and arms a timer for the next one. */
  private void drain() {
    List<Promise<Permit>> granted = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      while (!closed && !waiting.isEmpty() && inFlight < maxConcurrency) {
        long earliest = Math.max(lastStartNanos + minIntervalNanos, pausedUntilNanos);
        if (now - earliest < 0) {
          armTimer(earliest - now);
          break;
        }
        lastStartNanos = now;
        inFlight++;
        granted.add(waiting.poll());
      }
    }
    // Completed outside the lock: listeners may start requests and call back into the pacer.
    granted.forEach(p -> p.complete(new Permit()));
  }

  private void armTimer(long nanos) {
    // The earliest start only moves later, so a pending timer is never too late; if it fires
    // too early (a pause came in meanwhile), drain() simply arms the next one.
    if (timerId == -1) {
      long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
      timerId = vertx.setTimer(millis, id -> {
        synchronized (this) {
          timerId = -1;
        }
        drain();
      });
    }
  }
}

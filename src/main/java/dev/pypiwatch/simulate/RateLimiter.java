package dev.pypiwatch.simulate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The real server's per-client budget: at most {@code perMinute} requests in any 60 s, per key
 * (the client's IP); refused requests do not count. {@code 0} turns it off.
 */
final class RateLimiter {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final int perMinute;
  private final LongSupplier nanos;
  private final Map<String, Deque<Long>> accepted = new HashMap<>();

  RateLimiter(int perMinute, LongSupplier nanos) {
    if (perMinute < 0) {
      throw new IllegalArgumentException("rate limit must be >= 0: " + perMinute);
    }
    this.perMinute = perMinute;
    this.nanos = nanos;
  }

  /** True if a request of {@code key} now is within the budget (and counts it). */
  synchronized boolean tryAcquire(String key) {
    if (perMinute == 0) {
      return true;
    }
    long now = nanos.getAsLong();
    Deque<Long> times = accepted.computeIfAbsent(key, k -> new ArrayDeque<>());
    while (!times.isEmpty() && now - times.peekFirst() >= MINUTE_NANOS) {
      times.pollFirst();
    }
    if (times.size() >= perMinute) {
      return false;
    }
    times.addLast(now);
    return true;
  }
}

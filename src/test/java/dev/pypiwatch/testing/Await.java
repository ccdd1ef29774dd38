package dev.pypiwatch.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Blocking waits for tests (never on an event loop): futures and polled conditions. Tests wait for
 * a condition, never for a fixed time; the deadline only bounds how long a failing test hangs, so it
 * is generous (a loaded CI machine is many times slower than a laptop).
 */
public final class Await {
  /** The deadline of every wait that names none: generous, it only matters when a test fails. */
  public static final Duration DEFAULT = Duration.ofSeconds(60);
  private static final long MAX_PAUSE_MS = 100;

  private Await() {}

  /** The result of {@code future}; throws AssertionError if it fails or takes longer than {@link #DEFAULT}. */
  public static <T> T result(Future<T> future) {
    return result(future, DEFAULT);
  }

  /** The result of {@code future}; throws AssertionError if it fails or takes longer than {@code timeout}. */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within " + timeout, e);
    }
  }

  /** The failure of {@code future}; throws AssertionError if it succeeds or takes longer than {@link #DEFAULT}. */
  public static Throwable failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture()
          .get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within " + DEFAULT, e);
    }
  }

  /** Polls {@code condition} until true; AssertionError after {@link #DEFAULT}. */
  public static void until(BooleanSupplier condition) {
    until(condition, DEFAULT);
  }

  /** Polls {@code condition} until true; AssertionError after {@code timeout}. */
  public static void until(BooleanSupplier condition, Duration timeout) {
    until(condition, timeout, () -> "");
  }

  /**
   * Polls {@code condition} until true; after {@code timeout} an AssertionError whose message
   * includes {@code state} (what was seen instead), evaluated only then.
   */
  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        String seen = state.get();
        throw new AssertionError("condition not met within " + timeout + (seen.isEmpty() ? "" : ": " + seen));
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      // Quick for conditions met at once, without hammering the broker with admin requests later.
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}

package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Delivers one notification through a {@link Sender}, blocking, retrying as the notifier does: a
 * retryable failure (a {@link DeliveryException} says; anything else is) is tried again after the
 * back-off of {@code notify.retry} or the receiver's Retry-After, until the attempts run out. For
 * tools that send outside the notifier's loop (the dead-letter replay); never on an event loop.
 */
public final class Retrier {
  private Retrier() {}

  /**
   * Sends {@code n} through {@code sender} within {@code retry}.
   *
   * @return empty once the receiver accepted it, else the last attempt's error and how many were made
   */
  public static Optional<String> deliver(Sender sender, Notification n, NotifyConfig.Retry retry) {
    RetryPolicy policy = retry.policy();
    for (int attempt = 1; ; attempt++) {
      Throwable error;
      try {
        sender.send(n).toCompletableFuture().get();
        return Optional.empty();
      } catch (ExecutionException | CompletionException e) {
        error = e.getCause() == null ? e : e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted after " + attempt + " attempt(s)");
      } catch (RuntimeException e) {
        error = e;
      }
      boolean retryable = !(error instanceof DeliveryException d) || d.retryable();
      String message = error instanceof DeliveryException ? error.getMessage() : error.toString();
      if (!retryable || !policy.allowsAnotherAfter(attempt)) {
        return Optional.of(message + " (" + attempt + " attempt(s))");
      }
      Duration wait = error instanceof DeliveryException d && d.retryAfter().isPresent()
          ? d.retryAfter().get() : policy.backoff(attempt);
      if (!RetryPolicy.pause(wait)) {
        return Optional.of("interrupted after " + attempt + " attempt(s)");
      }
    }
  }
}

package dev.pypiwatch.notify;

import io.vertx.core.Future;

/**
 * Delivers notifications to one receiver (Slack, e-mail, webhook). One attempt per call: retries
 * are the caller's, guided by the {@link DeliveryException} a failed attempt ends with.
 */
public interface Channel {
  /**
   * Sends {@code n} once. Succeeds when the receiver accepted it; fails with a {@link
   * DeliveryException} otherwise (any other failure counts as retryable).
   */
  Future<Void> deliver(Notification n);
}

package dev.pypiwatch.notify.stream;

import dev.pypiwatch.kafka.StreamVerticle;
import dev.pypiwatch.notify.NotifyMetrics;

/**
 * The deployable notifier: a {@link NotificationStream} on a thread of its own, stopped on
 * undeploy after the deliveries in flight had their grace period.
 */
public final class NotifierVerticle extends StreamVerticle {
  /** A verticle running {@code stream} (not yet opened), reporting its health in {@code metrics}. */
  public NotifierVerticle(NotificationStream stream, NotifyMetrics metrics) {
    super("notifier", stream, metrics::running);
  }
}

package dev.pypiwatch.notify;

import java.util.concurrent.CompletionStage;

/**
 * Makes one attempt to deliver a notification to one receiver: completes when the receiver
 * accepted it, fails with the attempt's error (a {@link DeliveryException} says whether to retry).
 * The notifier's loop holds one per receiver ({@link Channels#senders}).
 */
@FunctionalInterface
public interface Sender {
  /** Starts the attempt. */
  CompletionStage<Void> send(Notification n);
}

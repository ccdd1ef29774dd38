package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Delivers notifications to a Slack incoming webhook: one POST of {@link SlackMessage}'s JSON per
 * attempt. Slack answers 200 {@code ok}; a 429 (with {@code Retry-After} in seconds), a 5xx, a
 * time-out or a connection failure is retryable; its other errors (400 invalid_payload, 403, 404
 * no_service, 410 channel_is_archived) are not. Messages name the host, never the webhook URL,
 * whose path is the credential.
 */
public final class SlackNotifier implements Channel, AutoCloseable {
  /** How long an attempt may wait for an answer unless configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = WebhookNotifier.DEFAULT_TIMEOUT;

  private final WebhookNotifier.Hook hook;

  /** A notifier with the default time-out. */
  public SlackNotifier(Vertx vertx, NotifyConfig.Slack config) {
    this(vertx, config, DEFAULT_TIMEOUT);
  }

  /**
   * @param timeout how long an attempt may wait to connect, and then between bytes of the answer
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL (the message does
   *     not show it)
   */
  public SlackNotifier(Vertx vertx, NotifyConfig.Slack config, Duration timeout) {
    this.hook = new WebhookNotifier.Hook(vertx, config.webhookUrl(), timeout);
  }

  @Override
  public Future<Void> deliver(Notification n) {
    String receiver = "slack receiver '" + n.receiver() + "'";
    byte[] body;
    try {
      body = SlackMessage.encode(n);
    } catch (RuntimeException e) {
      return Future.failedFuture(WebhookNotifier.unrenderable(receiver, n, e));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set("Content-Type", "application/json; charset=utf-8");
    return hook.post(receiver, headers, body);
  }

  /** Closes the HTTP client. */
  @Override
  public void close() {
    hook.close();
  }
}

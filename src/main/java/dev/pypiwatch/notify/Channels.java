package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig.Receiver;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The channel of each receiver, by its kind, and their adaptation to the notification stream. */
public final class Channels {
  private Channels() {}

  /** The channel delivering to {@code r} (Slack, e-mail, webhook or standard output). */
  public static Channel create(Vertx vertx, Receiver r) {
    return switch (r.kind()) {
      case SLACK -> new SlackNotifier(vertx, r.slack());
      case EMAIL -> new EmailNotifier(vertx, r.name(), r.email());
      case WEBHOOK -> new WebhookNotifier(vertx, r.webhook());
      case CONSOLE -> new ConsoleNotifier(System.out);
    };
  }

  /** One sender per receiver name, each making one attempt on the channel {@code channels} gives it. */
  public static Map<String, Sender> senders(List<Receiver> receivers,
      Function<Receiver, Channel> channels) {
    Map<String, Sender> senders = new LinkedHashMap<>();
    for (Receiver r : receivers) {
      Channel c = channels.apply(r);
      senders.put(r.name(), n -> c.deliver(n).toCompletionStage());
    }
    return senders;
  }
}

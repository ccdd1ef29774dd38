package dev.pypiwatch.config;

import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.outbound.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where alerts are delivered and how (the {@code notify:} section): receivers, routes that match
 * alerts to receivers, grouping, reminders, silences, retries and the Kafka names the notifier uses.
 *
 * @param receivers the named destinations (Slack, e-mail, webhook, the console)
 * @param routes matched in order; an alert goes to the receivers of the first matching route (and
 *     of later ones while a matched route has {@code continue: true})
 * @param defaultReceivers receivers of an alert no route matched; empty: such an alert is not sent
 * @param groupWait how long alerts for one receiver are collected before they go out as one message
 * @param repeatInterval a reminder of alerts still firing after this long; zero disables reminders
 * @param sendResolved whether resolutions are sent (receivers may override)
 * @param silences alerts matching one of these, while it is in effect, are not sent (beside the
 *     silences created at run time through the API)
 * @param maxAlertAge a transition whose day is older than this (from the day it is read) is kept
 *     but not sent: the history a first poll, a new package or a catch-up after an outage evaluates
 * @param retry delivery attempts and back-off
 * @param groupId consumer group of the notifier on the alerts topic
 * @param sentTopic compacted topic recording what was sent (key = receiver + alert transition)
 * @param dlqTopic notifications that failed after the last retry
 */
public record NotifyConfig(
    List<Receiver> receivers,
    List<Route> routes,
    List<String> defaultReceivers,
    Duration groupWait,
    Duration repeatInterval,
    boolean sendResolved,
    List<Silence> silences,
    Duration maxAlertAge,
    Retry retry,
    String groupId,
    String sentTopic,
    String dlqTopic) {

  /** Transitions of the last 3 days are sent: the newest day upstream is yesterday, sometimes the day before. */
  public static final Duration DEFAULT_MAX_ALERT_AGE = Duration.ofDays(3);

  /** No receivers (nothing is sent); 30 s grouping, reminders every 7 days, resolutions sent. */
  public static final NotifyConfig DEFAULTS = new NotifyConfig(List.of(), List.of(), List.of(),
      Duration.ofSeconds(30), Duration.ofDays(7), true, List.of(), DEFAULT_MAX_ALERT_AGE, Retry.DEFAULTS,
      "pypiwatch-notifier", "pypiwatch.notifications-sent", "pypistats.notifications.dlq");

  public NotifyConfig {
    receivers = List.copyOf(receivers);
    routes = List.copyOf(routes);
    defaultReceivers = List.copyOf(defaultReceivers);
    silences = List.copyOf(silences);
    Objects.requireNonNull(maxAlertAge, "maxAlertAge");
    Objects.requireNonNull(groupWait, "groupWait");
    Objects.requireNonNull(repeatInterval, "repeatInterval");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(sentTopic, "sentTopic");
    Objects.requireNonNull(dlqTopic, "dlqTopic");
  }

  /** The same settings with the default {@link #maxAlertAge()}. */
  public NotifyConfig(List<Receiver> receivers, List<Route> routes, List<String> defaultReceivers,
      Duration groupWait, Duration repeatInterval, boolean sendResolved, List<Silence> silences, Retry retry,
      String groupId, String sentTopic, String dlqTopic) {
    this(receivers, routes, defaultReceivers, groupWait, repeatInterval, sendResolved, silences,
        DEFAULT_MAX_ALERT_AGE, retry, groupId, sentTopic, dlqTopic);
  }

  /** True if at least one receiver is configured (the notifier runs only then). */
  public boolean enabled() {
    return !receivers.isEmpty();
  }

  /** The kind of a receiver; {@code CONSOLE} prints to the process's standard output (the demo's). */
  public enum Kind { SLACK, EMAIL, WEBHOOK, CONSOLE }

  /** How an SMTP connection is secured. */
  public enum Tls { NONE, STARTTLS, TLS }

  /**
   * A named destination. Exactly one of {@code slack}, {@code email}, {@code webhook} is set,
   * matching {@code kind}; none for {@code CONSOLE}, which has no settings.
   *
   * @param sendResolved overrides {@link NotifyConfig#sendResolved()} when not null
   * @param dailyDigestAt if not null, a summary of every watched package is sent each day at this
   *     UTC time, even without alerts
   */
  public record Receiver(String name, Kind kind, Slack slack, Email email, Webhook webhook,
      Boolean sendResolved, LocalTime dailyDigestAt) {
    public Receiver {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** A Slack incoming webhook. */
  public record Slack(Secret webhookUrl) {
    public Slack {
      Objects.requireNonNull(webhookUrl, "webhookUrl");
    }
  }

  /**
   * An SMTP server and the message's addresses.
   *
   * @param username empty for no authentication
   */
  public record Email(String host, int port, Tls tls, String username, Secret password,
      String from, List<String> to) {
    public Email {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(from, "from");
      to = List.copyOf(to);
    }
  }

  /**
   * A generic JSON webhook.
   *
   * @param hmacKey key of the HMAC-SHA256 signature header over the body; empty for none
   * @param headers extra request headers (e.g. an authorization token)
   */
  public record Webhook(Secret url, Secret hmacKey, Map<String, Secret> headers) {
    public Webhook {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(hmacKey, "hmacKey");
      headers = Map.copyOf(headers);
    }
  }

  /** A route: alerts matching {@code match} go to {@code receivers}. */
  public record Route(AlertMatcher match, List<String> receivers, boolean continueMatching) {
    public Route {
      Objects.requireNonNull(match, "match");
      receivers = List.copyOf(receivers);
    }
  }

  /**
   * A silence as written in the configuration: alerts matching {@code match} are not sent from
   * {@code startsAt} (null: from start-up) until {@code endsAt}.
   */
  public record Silence(AlertMatcher match, Instant startsAt, Instant endsAt, String comment, String createdBy) {
    public Silence {
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(endsAt, "endsAt");
      Objects.requireNonNull(comment, "comment");
      Objects.requireNonNull(createdBy, "createdBy");
    }

    /** A silence of {@code match} until {@code endsAt}, from start-up, by nobody in particular. */
    public Silence(AlertMatcher match, Instant endsAt, String comment) {
      this(match, null, endsAt, comment, "");
    }

    /**
     * The run-time silence of the configuration loaded at {@code loadedAt} (its creation, and its
     * start unless one is written); its id is derived from what is written, so it is the same on
     * every instance and after a restart.
     */
    public dev.pypiwatch.events.Silence event(Instant loadedAt) {
      String id = Ids.uuid5("silence|config|" + match + '|' + startsAt + '|' + endsAt + '|' + comment + '|'
          + createdBy).toString();
      return new dev.pypiwatch.events.Silence(id, match, startsAt == null ? loadedAt : startsAt, endsAt, null,
          comment, createdBy, loadedAt, dev.pypiwatch.events.Silence.Source.CONFIG);
    }
  }

  /**
   * Delivery attempts: exponential back-off from {@code initialBackoff} doubling up to {@code
   * maxBackoff}, {@code attempts} in all, then the dead-letter topic.
   */
  public record Retry(int attempts, Duration initialBackoff, Duration maxBackoff) {
    /** 6 attempts, 1 s doubling up to 5 min. */
    public static final Retry DEFAULTS = new Retry(6, Duration.ofSeconds(1), Duration.ofMinutes(5));

    public Retry {
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be >= 1");
      }
    }

    /** The back-off as pypiwatch's one retry policy; no jitter: one process sends, so no herd to spread. */
    public RetryPolicy policy() {
      return new RetryPolicy(attempts, initialBackoff, maxBackoff, RetryPolicy.Jitter.NONE);
    }
  }
}

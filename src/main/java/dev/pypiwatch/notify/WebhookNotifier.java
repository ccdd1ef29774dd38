package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.outbound.Excerpt;
import dev.pypiwatch.outbound.RetryPolicy;
import dev.pypiwatch.outbound.UserAgent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Delivers notifications to a generic webhook: a POST of {@link WebhookPayload}'s JSON, signed
 * with the receiver's HMAC key ({@link Signatures}), with the notification's id as {@code
 * Idempotency-Key} and the configured extra headers. A 2xx is success; 408, 429, 5xx, a time-out
 * or a connection failure are retryable (honouring {@code Retry-After}); anything else is not.
 */
public final class WebhookNotifier implements Channel, AutoCloseable {
  /** How long an attempt may wait for an answer unless configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** The HMAC-SHA256 signature of timestamp and body, {@code sha256=<hex>}. */
  public static final String SIGNATURE_HEADER = "X-Pypiwatch-Signature";
  /** When the attempt was made, in Unix seconds; part of what is signed. */
  public static final String TIMESTAMP_HEADER = "X-Pypiwatch-Timestamp";
  /** The notification's id: the same for every attempt, so receivers can drop duplicates. */
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private final NotifyConfig.Webhook config;
  private final Clock clock;
  private final Hook hook;

  /** A notifier with the default time-out. */
  public WebhookNotifier(Vertx vertx, NotifyConfig.Webhook config) {
    this(vertx, config, DEFAULT_TIMEOUT, Clock.systemUTC());
  }

  /**
   * @param timeout how long an attempt may wait to connect, and then between bytes of the answer
   * @param clock the source of the signed timestamp
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL (the message does
   *     not show it)
   */
  public WebhookNotifier(Vertx vertx, NotifyConfig.Webhook config, Duration timeout, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.hook = new Hook(vertx, config.url(), timeout);
  }

  @Override
  public Future<Void> deliver(Notification n) {
    byte[] body;
    try {
      body = WebhookPayload.encode(n);
    } catch (RuntimeException e) {
      return Future.failedFuture(unrenderable("webhook receiver '" + n.receiver() + "'", n, e));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    config.headers().forEach((name, value) -> headers.set(name, value.reveal()));
    // Set after the configured headers: these are ours and must not be overridden.
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    headers.set("Content-Type", "application/json");
    headers.set(IDEMPOTENCY_HEADER, n.id());
    headers.set(TIMESTAMP_HEADER, timestamp);
    if (config.hmacKey().isEmpty()) {
      headers.remove(SIGNATURE_HEADER);
    } else {
      byte[] key = config.hmacKey().reveal().getBytes(StandardCharsets.UTF_8);
      headers.set(SIGNATURE_HEADER, Signatures.sign(key, timestamp, body));
    }
    return hook.post("webhook receiver '" + n.receiver() + "'", headers, body);
  }

  /** A notification that cannot be turned into a body: a bug another attempt would repeat. */
  static DeliveryException unrenderable(String receiver, Notification n, RuntimeException e) {
    return new DeliveryException(receiver + ": cannot render notification " + n.id() + ": " + e,
        false, null, e);
  }

  /** Closes the HTTP client. */
  @Override
  public void close() {
    hook.close();
  }

  /**
   * One webhook URL: POSTs a body once and turns the answer into success or a classified {@link
   * DeliveryException}. Shared with {@link SlackNotifier}: an incoming webhook is a webhook too.
   *
   * <p>The URL is a secret (its path is the credential): messages name only its host, and text
   * that may quote it (a time-out's message, an echoing error page) has it masked.
   */
  static final class Hook implements AutoCloseable {
    /** Error pages are decoded up to this many bytes, masked, then cut to an excerpt. */
    private static final int BODY_BYTES = 2000;

    private final Secret url;
    private final String host;
    private final List<String> secretParts = new ArrayList<>();
    private final long timeoutMillis;
    private final WebClient client;

    Hook(Vertx vertx, Secret url, Duration timeout) {
      this.url = url;
      URI uri = parse(url);
      this.host = uri.getHost();
      this.timeoutMillis = Math.max(1, timeout.toMillis());
      secretParts.add(url.reveal());
      if (uri.getRawQuery() != null) {
        secretParts.add(uri.getRawPath() + "?" + uri.getRawQuery());
        secretParts.add(uri.getRawQuery());
      }
      if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
        secretParts.add(uri.getRawPath());
        secretParts.add(uri.getPath());
      }
      // Longest first, so that a URL is masked whole rather than piece by piece.
      secretParts.sort(Comparator.comparingInt(String::length).reversed());
      this.client = WebClient.create(vertx, new WebClientOptions()
          .setUserAgent(UserAgent.of(null))
          .setFollowRedirects(false)
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)));
    }

    private static URI parse(Secret url) {
      try {
        URI uri = new URI(url.reveal());
        String scheme = uri.getScheme();
        if (uri.getHost() != null && ("https".equalsIgnoreCase(scheme)
            || "http".equalsIgnoreCase(scheme))) {
          return uri;
        }
      } catch (URISyntaxException e) {
        // reported below, without the URL (and without the exception, which quotes it)
      }
      throw new IllegalArgumentException("the webhook URL is not an absolute http(s) URL");
    }

    /** The host, which is safe to name (unlike the path). */
    String host() {
      return host;
    }

    /** POSTs {@code body} once; {@code receiver} names the receiver in failure messages. */
    Future<Void> post(String receiver, MultiMap headers, byte[] body) {
      Future<HttpResponse<Buffer>> sent;
      try {
        sent = client.postAbs(url.reveal())
            .putHeaders(headers)
            .timeout(timeoutMillis)
            .sendBuffer(Buffer.buffer(body));
      } catch (RuntimeException e) {
        // Vert.x rejects a URL that java.net.URI accepted; its message would quote the URL.
        return Future.failedFuture(new DeliveryException(receiver + ": the URL (host " + host
            + ") is not usable: " + e.getClass().getSimpleName(), false, null, null));
      }
      return sent.transform(ar -> ar.succeeded() ? answered(receiver, ar.result())
          : Future.failedFuture(notAnswered(receiver, ar.cause())));
    }

    private Future<Void> answered(String receiver, HttpResponse<Buffer> response) {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return Future.succeededFuture();
      }
      boolean retryable = RetryPolicy.isRetryable(status);
      Optional<Duration> retryAfter = retryable
          ? RetryPolicy.retryAfter(response.getHeader("Retry-After"), Instant.now()) : Optional.empty();
      String excerpt = excerpt(response.body());
      String message = receiver + ": HTTP " + status + " from " + host
          + (excerpt.isEmpty() ? "" : ": " + excerpt)
          + (retryable ? retryAfter.map(d -> " (retry after " + d.toSeconds() + " s)").orElse("")
              : " (not retryable)");
      return Future.failedFuture(
          new DeliveryException(message, retryable, retryAfter.orElse(null), null));
    }

    private DeliveryException notAnswered(String receiver, Throwable err) {
      // The cause is not attached: its message may quote the URL (Vert.x's time-out does).
      if (err instanceof TimeoutException) {
        return new DeliveryException(receiver + ": no answer from " + host + " within "
            + timeoutMillis + " ms", true, null, null);
      }
      String detail = err.getMessage() == null ? "" : " " + Excerpt.of(mask(err.getMessage()), 200);
      return new DeliveryException(receiver + ": cannot reach " + host + ": "
          + err.getClass().getSimpleName() + detail, true, null, null);
    }

    private String excerpt(Buffer body) {
      if (body == null || body.length() == 0) {
        return "";
      }
      byte[] bytes = body.getBytes(0, Math.min(body.length(), BODY_BYTES));
      return Excerpt.of(mask(new String(bytes, StandardCharsets.UTF_8)), 100);
    }

    /** {@code text} with the URL, its path and its query replaced by {@code ****}. */
    private String mask(String text) {
      String masked = text;
      for (String part : secretParts) {
        masked = masked.replace(part, "****");
      }
      return masked;
    }

    @Override
    public void close() {
      client.close();
    }
  }
}

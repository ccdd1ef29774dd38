package dev.pypiwatch.notify;

import dev.pypiwatch.config.NotifyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Sends notifications as e-mail over SMTP: a plain-text and an HTML alternative, the charts as
 * inline PNGs. One SMTP transaction per {@link #deliver}.
 */
public final class EmailNotifier implements Channel {
  /** Default for connecting and for each wait on the server during a transaction. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final String receiver;
  private final NotifyConfig.Email email;
  private final Duration timeout;
  private final MailClient client;

  /** A notifier for {@code receiver} (its name, for messages) sending through {@code email}. */
  public EmailNotifier(Vertx vertx, String receiver, NotifyConfig.Email email) {
    this(vertx, receiver, email, TIMEOUT);
  }

  /** As above, with {@code timeout} for connecting and for each wait on the server. */
  EmailNotifier(Vertx vertx, String receiver, NotifyConfig.Email email, Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.email = Objects.requireNonNull(email, "email");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.client = MailClient.create(vertx, mailConfig(email, timeout));
  }

  private static MailConfig mailConfig(NotifyConfig.Email email, Duration timeout) {
    MailConfig c = new MailConfig()
        .setHostname(email.host())
        .setPort(email.port())
        // A few messages a day: a fresh connection each time, so no stale pooled connection
        // fails an attempt after the server restarted.
        .setKeepAlive(false)
        // Certificates are checked against the host name, as for HTTPS.
        .setHostnameVerificationAlgorithm("HTTPS");
    switch (email.tls()) {
      case NONE -> c.setSsl(false).setStarttls(StartTLSOptions.DISABLED);
      case STARTTLS -> c.setSsl(false).setStarttls(StartTLSOptions.REQUIRED);
      case TLS -> c.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
    }
    if (email.username().isEmpty()) {
      c.setLogin(LoginOption.DISABLED);
    } else {
      c.setLogin(LoginOption.REQUIRED)
          // Password mechanisms only: left to itself the client also offers the password as an
          // XOAUTH2 token, and every refused mechanism counts as a failed login at the server.
          .setAuthMethods("PLAIN LOGIN")
          .setUsername(email.username())
          .setPassword(email.password().reveal());
    }
    int millis = Math.toIntExact(timeout.toMillis());
    c.setConnectTimeout(millis);
    // Without it a server that accepts and then goes silent would hold the attempt forever.
    c.setIdleTimeout(millis);
    c.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    return c;
  }

  @Override
  public Future<Void> deliver(Notification n) {
    // Drawing charts takes tens of milliseconds: not on the event loop.
    return vertx.executeBlocking(() -> EmailMessage.of(n), false)
        .recover(e -> Future.failedFuture(new DeliveryException(
            where() + ": could not render notification " + n.id() + ": " + e, false, null, e)))
        .compose(m -> {
          long start = System.nanoTime();
          return client.sendMail(mailMessage(m))
              .recover(e -> Future.failedFuture(failure(e, System.nanoTime() - start)));
        })
        .mapEmpty();
  }

  private MailMessage mailMessage(EmailMessage m) {
    return new MailMessage()
        .setFrom(email.from())
        .setTo(email.to())
        .setSubject(m.subject())
        .setText(m.text())
        .setHtml(m.html())
        .setInlineAttachment(m.images().stream().map(i -> MailAttachment.create()
            .setContentType("image/png")
            .setData(Buffer.buffer(i.png()))
            .setName(i.contentId().substring(0, i.contentId().indexOf('@')) + ".png")
            .setDisposition("inline")
            .setContentId("<" + i.contentId() + ">")).toList());
  }

  /**
   * The attempt's failure: a 5xx SMTP reply is final (bad address, refused login, rejected
   * message); a 4xx reply, a refused or lost connection, a time-out may pass. So may anything
   * else (a failed TLS handshake, a server without STARTTLS): the channel contract's default.
   */
  private DeliveryException failure(Throwable e, long elapsedNanos) {
    if (e instanceof SMTPException s) {
      String reply = s.getReplyMessage();
      String code = Integer.toString(s.getReplyCode());
      return new DeliveryException(where() + ": SMTP "
          + redact(reply.startsWith(code) ? reply : code + " " + reply), !s.isPermanent(), null, e);
    }
    String what = e instanceof ConnectException || e instanceof UnknownHostException
        ? "connection failed"
        : e instanceof SSLException ? "TLS handshake failed"
        // The idle time-out closes the connection; the client reports only the closing.
        : elapsedNanos >= timeout.toNanos() ? "no answer within " + timeout.toMillis() + " ms"
        : "failed";
    return new DeliveryException(where() + ": " + what + ": " + redact(String.valueOf(
        e.getMessage())), true, null, e);
  }

  private String where() {
    return "e-mail to receiver " + receiver + " via " + email.host() + ":" + email.port();
  }

  /** The text without the password, should a server or library ever echo it. */
  private String redact(String text) {
    String password = email.password().reveal();
    return password.isEmpty() ? text : text.replace(password, "****");
  }

  /** Closes the SMTP client; deliveries after it fail. */
  public Future<Void> close() {
    // The client may fail to say goodbye on a connection the server has just dropped; nothing
    // is left open either way.
    return client.close().otherwiseEmpty();
  }
}

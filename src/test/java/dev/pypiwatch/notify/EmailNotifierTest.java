package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.pypiwatch.config.NotifyConfig;
import dev.pypiwatch.config.Secret;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The e-mail channel against a real SMTP server (GreenMail), and SMTP replies it must classify. */
class EmailNotifierTest {
  private static final String USER = "alerts";
  private static final String PASSWORD = "s3cret-Pa55";
  private static final List<String> TO = List.of("ops@example.com", "oncall@example.com");

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD))
      .withPerMethodLifecycle(false);

  private static Vertx vertx;
  private final List<EmailNotifier> notifiers = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void emptyMailboxes() throws Exception {
    SMTP.purgeEmailFromAllMailboxes();
  }

  @org.junit.jupiter.api.AfterEach
  void closeNotifiers() throws Exception {
    for (EmailNotifier n : notifiers) {
      await(n.close());
    }
  }

  @Test
  void oneAlertArrivesAsTextAndHtmlWithTheChartInline() throws Exception {
    Notification n = EmailMessageTest.alerts(Notification.Kind.ALERTS,
        List.of(EmailMessageTest.spike("requests", 3_412_000, 1_066_000, 12.34)),
        Map.of("requests", SeriesChartTest.weekly(90)));

    await(notifier(email(SMTP.getSmtp().getPort(), "", "")).deliver(n));

    MimeMessage m = single();
    assertEquals("[pypiwatch] spike: requests downloads spiked to 3,412,000 on 2026-11-24 (Tue),"
        + " 3.2x the usual Tuesday (1,066,000)", m.getSubject());
    assertEquals("pypiwatch@example.com", m.getFrom()[0].toString());
    assertEquals(TO, Arrays.stream(m.getRecipients(Message.RecipientType.TO))
        .map(Address::toString).toList());
    assertTrue(m.isMimeType("multipart/alternative"), m.getContentType());
    MimeMultipart alternative = (MimeMultipart) m.getContent();
    assertEquals(2, alternative.getCount());

    BodyPart text = alternative.getBodyPart(0);
    assertTrue(text.isMimeType("text/plain"), text.getContentType());
    String plain = content(text);
    // MIME gives the line end before a part's boundary to the boundary: the last one is lost.
    assertEquals(EmailMessage.of(n).text().stripTrailing(), plain.stripTrailing());
    assertTrue(plain.contains("Observed 3,412,000 vs expected 1,066,000, score 12.3"), plain);
    assertTrue(plain.contains("https://pypistats.org/packages/requests"), plain);

    // The HTML travels with its images: multipart/related of the HTML, then the PNGs.
    BodyPart second = alternative.getBodyPart(1);
    assertTrue(second.isMimeType("multipart/related"), second.getContentType());
    MimeMultipart related = (MimeMultipart) second.getContent();
    assertEquals(2, related.getCount());
    String html = content(related.getBodyPart(0));
    assertTrue(related.getBodyPart(0).isMimeType("text/html"));
    assertEquals(EmailMessage.of(n).html().stripTrailing(), html.stripTrailing());
    assertTrue(html.contains(">Severity</th><td>critical</td>"), html);

    assertEquals(List.of("chart-1@pypiwatch"), EmailMessageTest.cids(html));
    assertChart(related.getBodyPart(1), "chart-1@pypiwatch");
  }

  @Test
  void aGroupArrivesWithOneChartPerPackage() throws Exception {
    List<Alert> alerts = List.of(EmailMessageTest.spike("requests", 3e6, 1e6, 12),
        EmailMessageTest.spike("numpy", 9e6, 3e6, 8), EmailMessageTest.drop("requests"));
    Notification n = EmailMessageTest.alerts(Notification.Kind.ALERTS, alerts, Map.of(
        "requests", SeriesChartTest.weekly(90), "numpy", SeriesChartTest.weekly(70)));

    await(notifier(email(SMTP.getSmtp().getPort(), "", "")).deliver(n));

    MimeMessage m = single();
    assertEquals("[pypiwatch] 3 alerts for 2 packages (2026-11-24)", m.getSubject());
    MimeMultipart related = (MimeMultipart) ((MimeMultipart) m.getContent()).getBodyPart(1)
        .getContent();
    String html = content(related.getBodyPart(0));
    List<String> cids = EmailMessageTest.cids(html);
    assertEquals(List.of("chart-1@pypiwatch", "chart-2@pypiwatch"), cids);
    assertEquals(3, related.getCount());
    for (int i = 0; i < cids.size(); i++) {
      assertChart(related.getBodyPart(i + 1), cids.get(i));
    }
  }

  @Test
  void markupInASummaryArrivesEscaped() throws Exception {
    Alert a = new Alert("fp", "requests", "spike", "overall", "without_mirrors",
        EmailMessageTest.DAY, AlertState.FIRING, Severity.WARNING, 10, 5, 3,
        "requests: <script>alert(\"x\")</script>", Alert.linkOf("requests"));

    await(notifier(email(SMTP.getSmtp().getPort(), "", "")).deliver(
        EmailMessageTest.alerts(Notification.Kind.ALERTS, List.of(a), Map.of())));

    MimeMultipart alternative = (MimeMultipart) single().getContent();
    String html = content(alternative.getBodyPart(1));
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("requests: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        html);
    assertTrue(content(alternative.getBodyPart(0)).contains("<script>alert(\"x\")</script>"));
  }

  @Test
  void logsInWithUsernameAndPassword() throws Exception {
    await(notifier(email(SMTP.getSmtp().getPort(), USER, PASSWORD)).deliver(oneAlert()));

    assertEquals(1, sent(SMTP.getReceivedMessages()));
  }

  @Test
  void aRefusedLoginIsFinalAndDoesNotShowThePassword() {
    String wrong = "wrong-" + PASSWORD;
    DeliveryException e = failure(notifier(email(SMTP.getSmtp().getPort(), USER, wrong))
        .deliver(oneAlert()));

    assertFalse(e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("e-mail to receiver ops via 127.0.0.1:"
        + SMTP.getSmtp().getPort() + ": SMTP 535"), e.getMessage());
    assertNoSecret(e, wrong);
    assertEquals(0, SMTP.getReceivedMessages().length);
  }

  @Test
  void aServerThatIsDownIsRetryableAndTheNextAttemptDeliversOnce() throws Exception {
    int port = freePort();
    EmailNotifier notifier = notifier(email(port, USER, PASSWORD));

    DeliveryException e = failure(notifier.deliver(oneAlert()));

    assertTrue(e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("e-mail to receiver ops via 127.0.0.1:" + port
        + ": connection failed"), e.getMessage());
    assertNoSecret(e, PASSWORD);

    GreenMail up = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
    up.start();
    try {
      await(notifier.deliver(oneAlert()));
      assertEquals(1, sent(up.getReceivedMessages()));
    } finally {
      up.stop();
    }
  }

  @ParameterizedTest(name = "{0} answered with {1} {2}: retryable {3}")
  @CsvSource({
    "greeting, 421, Service not available, true",
    "MAIL,     451, Local error in processing, true",
    "RCPT,     450, Mailbox busy, true",
    "RCPT,     550, Mailbox unavailable, false",
    "RCPT,     553, Mailbox name not allowed, false",
    "DATA,     554, Transaction failed, false",
  })
  void smtpRepliesAreClassifiedBy4xxAnd5xx(String step, int code, String text, boolean retryable)
      throws Exception {
    try (ScriptedSmtp server = new ScriptedSmtp(step, code + " " + text)) {
      DeliveryException e = failure(notifier(email(server.port(), "", "")).deliver(oneAlert()));

      assertEquals(retryable, e.retryable(), e.getMessage());
      assertEquals("e-mail to receiver ops via 127.0.0.1:" + server.port() + ": SMTP " + code
          + " " + text, e.getMessage());
    }
  }

  @Test
  void aSilentServerTimesOutRetryably() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      EmailNotifier notifier = new EmailNotifier(vertx, "ops",
          email(silent.getLocalPort(), USER, PASSWORD), Duration.ofMillis(300));
      notifiers.add(notifier);

      long start = System.nanoTime();
      DeliveryException e = failure(notifier.deliver(oneAlert()));

      assertTrue(e.retryable(), e.getMessage());
      assertTrue(e.getMessage().startsWith("e-mail to receiver ops via 127.0.0.1:"
          + silent.getLocalPort() + ": no answer within 300 ms"), e.getMessage());
      assertNoSecret(e, PASSWORD);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "gave up at the time-out, not never");
    }
  }

  @Test
  void tlsModeSpeaksTlsAndChecksTheCertificate() throws Exception {
    // GreenMail's SMTPS certificate is self-signed: a checked handshake must refuse it.
    GreenMail smtps = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
    smtps.start();
    try {
      NotifyConfig.Email tls = new NotifyConfig.Email("localhost", smtps.getSmtps().getPort(),
          NotifyConfig.Tls.TLS, USER, Secret.of(PASSWORD), "pypiwatch@example.com", TO);

      DeliveryException e = failure(notifier(tls).deliver(oneAlert()));

      assertTrue(e.getMessage().startsWith("e-mail to receiver ops via localhost:"
          + smtps.getSmtps().getPort() + ": TLS handshake failed"), e.getMessage());
      assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e.getCause());
      assertNoSecret(e, PASSWORD);
      assertEquals(0, smtps.getReceivedMessages().length);
    } finally {
      smtps.stop();
    }
  }

  @Test
  void startTlsModeDoesNotSendInTheClear() {
    // GreenMail's SMTP does not offer STARTTLS.
    NotifyConfig.Email startTls = new NotifyConfig.Email("127.0.0.1", SMTP.getSmtp().getPort(),
        NotifyConfig.Tls.STARTTLS, USER, Secret.of(PASSWORD), "pypiwatch@example.com", TO);

    DeliveryException e = failure(notifier(startTls).deliver(oneAlert()));

    assertTrue(e.getMessage().contains("STARTTLS"), e.getMessage());
    assertNoSecret(e, PASSWORD);
    assertEquals(0, SMTP.getReceivedMessages().length);
  }

  // ---- helpers ----

  private EmailNotifier notifier(NotifyConfig.Email email) {
    EmailNotifier n = new EmailNotifier(vertx, "ops", email);
    notifiers.add(n);
    return n;
  }

  private static NotifyConfig.Email email(int port, String user, String password) {
    return new NotifyConfig.Email("127.0.0.1", port, NotifyConfig.Tls.NONE, user,
        Secret.of(password), "pypiwatch@example.com", TO);
  }

  private static Notification oneAlert() {
    return EmailMessageTest.alerts(Notification.Kind.ALERTS,
        List.of(EmailMessageTest.spike("requests", 3e6, 1e6, 12)), Map.of());
  }

  private static MimeMessage single() {
    MimeMessage[] received = SMTP.getReceivedMessages();
    // One copy per recipient mailbox: the message was sent once, to both.
    assertEquals(TO.size(), received.length);
    return received[0];
  }

  /** How many messages were sent: each arrives once per recipient, with the same Message-ID. */
  private static long sent(MimeMessage[] received) throws Exception {
    assertEquals(0, received.length % TO.size(), "a recipient missed a message");
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (MimeMessage m : received) {
      ids.add(m.getMessageID());
    }
    return ids.size();
  }

  private static void assertChart(BodyPart part, String cid) throws Exception {
    assertTrue(part.isMimeType("image/png"), part.getContentType());
    assertEquals("<" + cid + ">", part.getHeader("Content-ID")[0]);
    assertEquals(Part.INLINE, part.getDisposition());
    BufferedImage img = SeriesChartTest.decode(part.getInputStream().readAllBytes());
    assertEquals(EmailMessage.CHART_WIDTH, img.getWidth());
    assertEquals(EmailMessage.CHART_HEIGHT, img.getHeight());
  }

  /** A part's text with the CRLF of SMTP turned back into the renderer's line ends. */
  private static String content(BodyPart part) throws Exception {
    return ((String) part.getContent()).replace("\r\n", "\n");
  }

  private static void assertNoSecret(Throwable e, String secret) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(secret), t.toString());
      assertFalse(t.toString().contains(secret), t.toString());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static DeliveryException failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
    return assertInstanceOf(DeliveryException.class, e.getCause());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * An SMTP server that accepts everything except at one step, where it answers {@code reply}:
   * the 4xx and 5xx replies GreenMail does not give.
   */
  private static final class ScriptedSmtp implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;

    ScriptedSmtp(String step, String reply) throws IOException {
      socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
      thread = new Thread(() -> serve(step, reply), "scripted-smtp");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve(String step, String reply) {
      try (Socket c = socket.accept();
          BufferedReader in = new BufferedReader(
              new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))) {
        OutputStream out = c.getOutputStream();
        if (step.equals("greeting")) {
          send(out, reply);
          return;
        }
        send(out, "220 scripted ESMTP");
        for (String line; (line = in.readLine()) != null; ) {
          String verb = line.split("[ :]", 2)[0].toUpperCase(java.util.Locale.ROOT);
          if (verb.equals(step)) {
            send(out, reply);
            continue;
          }
          switch (verb) {
            case "EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> send(out, "250 OK");
            case "DATA" -> {
              send(out, "354 go ahead");
              while (!".".equals(in.readLine())) {
                // the message, not looked at
              }
              send(out, "250 accepted");
            }
            case "QUIT" -> {
              send(out, "221 bye");
              return;
            }
            default -> send(out, "500 unknown command");
          }
        }
      } catch (IOException e) {
        if (!socket.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }

    private static void send(OutputStream out, String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(2_000);
    }
  }
}

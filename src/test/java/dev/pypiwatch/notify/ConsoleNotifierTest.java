package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleNotifierTest {
  private static final LocalDate DAY = LocalDate.of(2025, 6, 29);

  private static Alert spike(AlertState state, String summary) {
    return new Alert("spike:rocketlib:overall:without_mirrors", "rocketlib", "spike", "overall", "without_mirrors",
        DAY, state, Severity.CRITICAL, 48_273, 8_816, 17.04, summary, Alert.linkOf("rocketlib"));
  }

  private static Notification notification(Notification.Kind kind, List<Alert> alerts) {
    return new Notification("n-1", "screen", kind, DAY, alerts, Map.of(), List.of());
  }

  @Test
  void printsOneLinePerAlertWithDateStateSeverityRuleSeriesAndSummary() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleNotifier c = new ConsoleNotifier(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertTrue(c.deliver(notification(Notification.Kind.ALERTS, List.of(
        spike(AlertState.FIRING, "rocketlib: downloads spiked to 48,273"),
        spike(AlertState.RESOLVED, "rocketlib: spike ended")))).succeeded());

    assertEquals(List.of(
        "[pypiwatch] 2025-06-29 (Sun) FIRING critical spike rocketlib overall/without_mirrors: "
            + "rocketlib: downloads spiked to 48,273 (score 17.0)",
        "[pypiwatch] 2025-06-29 (Sun) RESOLVED critical spike rocketlib overall/without_mirrors: "
            + "rocketlib: spike ended (score 17.0)"),
        bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void theContextFollowsOnTheAlertsOwnLine() {
    Alert a = spike(AlertState.FIRING, "rocketlib: downloads spiked to 48,273").withContext(
        new dev.pypiwatch.events.AlertContext(null, 0.5, 50L, "about 1 day in 50 for this package", "Sunday",
            null, new dev.pypiwatch.events.Release("1.0", java.time.Instant.parse("2025-06-29T08:00:00Z"))));
    List<String> lines = ConsoleNotifier.lines(notification(Notification.Kind.ALERTS, List.of(a)));
    assertEquals(List.of("[pypiwatch] 2025-06-29 (Sun) FIRING critical spike rocketlib overall/without_mirrors: "
        + "rocketlib: downloads spiked to 48,273 (score 17.0) [Unusual: about 1 day in 50 for this package; "
        + "Day: Sunday; Mirrors: 50.0% of the day's downloads; Release: 1.0, uploaded 2025-06-29 08:00 UTC, that day]"),
        lines);
  }

  @Test
  void aReminderSaysStillFiringAndALineBreakInDataStaysOnOneLine() {
    List<String> lines = ConsoleNotifier.lines(notification(Notification.Kind.REMINDER,
        List.of(spike(AlertState.FIRING, "rocketlib: up\n[pypiwatch] forged"))));
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("[pypiwatch] 2025-06-29 (Sun) STILL-FIRING critical spike rocketlib"), lines.get(0));
  }

  @Test
  void aDigestGetsOneLinePerPackage() {
    Notification digest = new Notification("d-1", "screen", Notification.Kind.DIGEST, DAY, List.of(), Map.of(),
        List.of(new DigestLine("rocketlib", 48_273, 90_000, 0.5, 1), new DigestLine("dustpan", -1, 600, Double.NaN, 0)));
    assertEquals(List.of(
        "[pypiwatch] 2025-06-29 (Sun) DIGEST rocketlib: 48,273 on the day, 90,000 in the week (+50.0% on the week before), "
            + "1 alert firing",
        "[pypiwatch] 2025-06-29 (Sun) DIGEST dustpan: n/a on the day, 600 in the week"),
        ConsoleNotifier.lines(digest));
  }

  @Test
  void aBrokenStdoutFailsTheDeliveryForGood() {
    PrintStream broken = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("closed");
      }
    }, true, StandardCharsets.UTF_8);
    var f = new ConsoleNotifier(broken).deliver(notification(Notification.Kind.ALERTS,
        List.of(spike(AlertState.FIRING, "x"))));
    assertTrue(f.failed());
    assertTrue(f.cause() instanceof DeliveryException d && !d.retryable(), String.valueOf(f.cause()));
  }
}

package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.*;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.Release;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReleaseNotesTest {
  private static final Release R = new Release("24.1", Instant.parse("2026-04-02T14:03:11Z"));
  private static final Notification N = SlackMessageTest.alerts(Notification.Kind.ALERTS,
      List.of(SlackMessageTest.PIP_SPIKE, SlackMessageTest.NUMPY_RESOLVED, SlackMessageTest.LLM_SHIFT), Map.of());

  @Test
  void firingAlertsGetTheirReleaseAndTheIdStays() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    ReleaseLookup lookup = (pkg, day) -> {
      asked.add(pkg + "@" + day);
      return CompletableFuture.completedFuture(pkg.equals("pip") ? Optional.of(R) : Optional.empty());
    };
    Notification out = ReleaseNotes.explain(N, lookup, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
    assertEquals(N.id(), out.id());
    assertEquals(List.of("pip@2026-04-03", "llm@2026-04-01"), asked, "resolutions are not looked up");
    Alert pip = out.alerts().get(0);
    assertEquals(R, pip.context().release());
    assertEquals("Friday", pip.context().weekday(), "a context made for an alert that had none");
    assertNull(out.alerts().get(1).context());
    assertNull(out.alerts().get(2).context());
  }

  @Test
  void prefetchAsksForFiringAlertsWithoutAReleaseAndNeverThrows() {
    List<String> asked = new CopyOnWriteArrayList<>();
    var prefetch = ReleaseNotes.prefetch((pkg, day) -> {
      asked.add(pkg + "@" + day);
      return new CompletableFuture<>(); // still in flight: prefetching does not wait
    });
    N.alerts().forEach(prefetch);
    assertEquals(List.of("pip@2026-04-03", "llm@2026-04-01"), asked, "resolutions are not looked up");
    Alert known = N.alerts().get(0).withContext(new dev.pypiwatch.events.AlertContext(null, null, null, null,
        "Friday", null, R));
    prefetch.accept(known);
    assertEquals(2, asked.size(), "an alert with its release already is not looked up");
    ReleaseNotes.prefetch((pkg, day) -> {
      throw new IllegalStateException("bug");
    }).accept(N.alerts().get(0)); // swallowed: the alert goes out all the same
  }

  @Test
  void aFailingOrSlowLookupLeavesTheNotificationAsItWas() throws Exception {
    ReleaseLookup failing = (pkg, day) -> CompletableFuture.failedFuture(new IllegalStateException("down"));
    ReleaseLookup throwing = (pkg, day) -> {
      throw new IllegalStateException("bug");
    };
    ReleaseLookup never = (pkg, day) -> new CompletableFuture<>();
    for (ReleaseLookup l : List.of(failing, throwing, never)) {
      long start = System.nanoTime();
      assertSame(N, ReleaseNotes.explain(N, l, Duration.ofMillis(100)).get(5, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    }
    List<Notification> sent = new CopyOnWriteArrayList<>();
    Map<String, Sender> senders = ReleaseNotes.around(Map.of("team", n -> {
      sent.add(n);
      return CompletableFuture.completedFuture(null);
    }), never, Duration.ofMillis(100));
    senders.get("team").send(N).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(List.of(N), sent, "delivered all the same");
  }
}

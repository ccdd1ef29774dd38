package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.FakePypiStats;
import dev.pypiwatch.testing.KafkaFixture;
import dev.pypiwatch.testing.TestClock;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code pypiwatch poll-now} against a running service: a cycle runs at once; no service, a clear line. */
class PollNowCommandIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  @Test
  void aRunningServicePollsAtOnceWhenAsked() throws Exception {
    FakePypiStats upstream = FakePypiStats.startBlocking(kafka.vertx());
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    upstream.serve(new SimulatedUpstream(3).addPackage("busy-pkg", Profile.busy(20_000)).setToday(TODAY));
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %s, min-interval: 0s}
        kafka:
          bootstrap-servers: "%s"
          topics: {downloads: pn.downloads, recent: pn.recent, poller-state: pn.state, alerts: pn.alerts}
        poller: {transactional-id: pn-poller}
        http: {port: 0}
        rule-engine: {group-id: pn-rules, transactional-id-prefix: pn-rules}
        watchlist: [busy-pkg]
        """.formatted(upstream.baseUrl(), kafka.bootstrapServers()));
    AppConfig config = ConfigLoader.load(file, Map.of());
    Service service = kafka.startService(config, TestClock.morningOf(TODAY));
    Await.result(service.poller().idle());
    long cycles = service.metrics().snapshot().get("pypiwatch_poll_cycles_total");
    int requests = upstream.requests().size();

    CliRun run = CliRun.of("poll-now", "--url", "http://127.0.0.1:" + service.statusPort());

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("poll-now: a poll cycle is queued at http://127.0.0.1:"), run.out());
    Await.until(() -> service.metrics().snapshot().get("pypiwatch_poll_cycles_total") > cycles);
    Await.result(service.poller().idle());
    assertTrue(upstream.requests().size() > requests, "the upstream was asked again");
  }

  @Test
  void noServiceAtTheAddressIsOneClearLine() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closed = s.getLocalPort();
    }
    CliRun run = CliRun.of("poll-now", "--url", "http://127.0.0.1:" + closed);
    assertEquals(1, run.exitCode());
    assertEquals("poll-now: no pypiwatch answers at http://127.0.0.1:" + closed + " (ConnectException): is "
        + "`pypiwatch run` running, with its status server on that port (http.port)?", run.err().strip());
  }
}

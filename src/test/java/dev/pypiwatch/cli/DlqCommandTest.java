package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pypiwatch dlq}: what it refuses before touching Kafka, each in one line naming the option. */
class DlqCommandTest {
  @TempDir Path dir;

  private Path config(String bootstrap) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        kafka: {bootstrap-servers: "%s"}
        notify:
          receivers:
            - name: bot
              webhook: {url: "http://127.0.0.1:9/hook"}
          default-receivers: [bot]
        watchlist: [pip]
        """.formatted(bootstrap));
    return file;
  }

  @Test
  void aMissingConfigABadSinceAndAnUnknownReceiverAreUsageErrors() throws Exception {
    CliRun missing = CliRun.of("dlq", "replay", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("dlq replay: config file not found"), missing.err());
    String file = config("localhost:9").toString();
    CliRun since = CliRun.of("dlq", "list", "--config", file, "--since", "yesterday");
    assertEquals(2, since.exitCode());
    assertTrue(since.err().contains("--since yesterday is neither a date"), since.err());
    CliRun receiver = CliRun.of("dlq", "replay", "--config", file, "--receiver", "nobody");
    assertEquals(2, receiver.exitCode());
    assertTrue(receiver.err().contains("--receiver nobody is not in notify.receivers"), receiver.err());
    CliRun noSubcommand = CliRun.of("dlq");
    assertTrue(noSubcommand.err().contains("replay") && noSubcommand.err().contains("list"), noSubcommand.err());
  }

  @Test
  void noBrokerIsSaidInOneLine() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closed = s.getLocalPort();
    }
    CliRun run = CliRun.of("dlq", "replay", "--config", config("127.0.0.1:" + closed).toString(), "--dry-run");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("dlq replay: no Kafka broker answers at 127.0.0.1:" + closed), run.err());
    assertEquals("", run.out());
  }
}

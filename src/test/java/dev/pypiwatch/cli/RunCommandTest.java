package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} with a port already taken: one clear line naming port and key, exit 2, nothing started. */
class RunCommandTest {
  @TempDir
  Path dir;

  private Path config(String yaml) throws IOException {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void theEmbeddedBrokersPortTakenNamesTheKeyAndExitsTwoAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("localhost", 0));
      Path file = config("kafka: {embedded-port: %d, embedded-data-dir: %s}\nwatchlist: [requests]\n"
          .formatted(taken.getLocalPort(), dir.resolve("kafka")));
      CliRun run = CliRun.of("run", "--config", file.toString());
      assertEquals(2, run.exitCode(), run.err());
      assertTrue(run.err().startsWith("run: port " + taken.getLocalPort() + " of the embedded Kafka broker "
          + "(kafka.embedded-port) is in use"), run.err());
      assertFalse(run.err().contains("Exception"), "a message, not a stack trace: " + run.err());
      assertFalse(Files.exists(dir.resolve("kafka")), "nothing was started or formatted");
    }
  }

  @Test
  void theStatusServersPortTakenNamesTheKeyAndExitsTwoAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      Path file = config("kafka: {embedded-port: 0, embedded-data-dir: %s}\nhttp: {port: %d}\nwatchlist: [requests]\n"
          .formatted(dir.resolve("kafka"), taken.getLocalPort()));
      CliRun run = CliRun.of("run", "--config", file.toString());
      assertEquals(2, run.exitCode(), run.err());
      assertTrue(run.err().startsWith("run: port " + taken.getLocalPort() + " of the status server (http.port, on "
          + "127.0.0.1) is in use"), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertFalse(Files.exists(dir.resolve("kafka")), "checked before the broker starts");
    }
  }
}

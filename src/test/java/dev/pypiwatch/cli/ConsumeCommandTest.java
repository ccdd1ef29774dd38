package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code consume} with no broker at the address: one line saying so and how to start one, exit 1. */
class ConsumeCommandTest {

  @Test
  void noBrokerIsOneClearLineNotAScreenOfClientWarnings() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort(); // free again once closed: nothing listens there
    }
    CliRun run = CliRun.of("consume", "--bootstrap-servers", "127.0.0.1:" + port, "--idle-timeout", "1");
    assertEquals(1, run.exitCode(), run.err());
    assertEquals("consume: no Kafka broker answers at 127.0.0.1:" + port + " (--bootstrap-servers). Is pypiwatch "
        + "running? `pypiwatch run` starts the embedded broker; or give --bootstrap-servers HOST:PORT of a running one.",
        run.err().strip());
    assertEquals("", run.out());
    assertFalse(run.err().contains("WARN"), run.err());
  }
}

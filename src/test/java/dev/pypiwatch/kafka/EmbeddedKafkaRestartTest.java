package dev.pypiwatch.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Samples;
import dev.pypiwatch.ingest.DownloadPublisher;
import dev.pypiwatch.ingest.PollerStateStore;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.testing.KafkaTesting;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics, records and poller state survive a restart of the embedded broker on the same directory and port. */
class EmbeddedKafkaRestartTest {
  private static final Duration DEADLINE = dev.pypiwatch.testing.Await.DEFAULT;

  @Test
  void dataSurvivesRestartOnSameDirAndPort(@TempDir Path dir) throws Exception {
    int port = EmbeddedKafka.freePort();
    TopicsConfig t = KafkaTesting.uniqueTopics("restart", 2);
    DownloadObservation d = Samples.download("pip", "2026-04-01", 123);
    try (EmbeddedKafka first = EmbeddedKafka.start(dir, port)) {
      assertEquals("localhost:" + port, first.bootstrapServers());
      KafkaClients clients = KafkaTesting.clients(first, KafkaTesting.config(t, Map.of()));
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, t);
      }
      try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-restart")) {
        pub.publishBatch("pip", List.of(d), List.of(), "state".getBytes(UTF_8));
      }
    }
    assertTrue(Files.exists(dir.resolve("logs/meta.properties")), "data kept after close");
    try (EmbeddedKafka second = EmbeddedKafka.start(dir, port)) {
      KafkaClients clients = KafkaTesting.clients(second, KafkaTesting.config(t, Map.of()));
      try (Admin admin = clients.newAdmin()) {
        assertTrue(admin.listTopics().names().get().containsAll(Topics.from(t).all()));
        assertEquals(java.util.Set.of(), TopicAdmin.ensureTopics(admin, t));
      }
      assertEquals(List.of(d), KafkaTesting.consumeToEnd(clients, t.downloads(), DEADLINE).stream()
          .map(r -> EventCodec.decodeDownload(r.value())).toList());
      // The markers of a transaction committed just before the stop are written after the restart.
      KafkaTesting.awaitSettled(clients, t.pollerState(), DEADLINE);
      Map<String, byte[]> state = PollerStateStore.readLatest(clients, t.pollerState(), DEADLINE);
      assertEquals("state", new String(state.get("pip"), UTF_8));
      // The same transactional.id works again after the restart.
      try (DownloadPublisher pub = new DownloadPublisher(clients, Topics.from(t), "tx-restart")) {
        pub.publishBatch("pip", List.of(), List.of(), "state-2".getBytes(UTF_8));
      }
      // commitTransaction() returns before the commit markers are written (read_committed stops before them).
      KafkaTesting.awaitSettled(clients, t.pollerState(), DEADLINE);
      assertEquals("state-2",
          new String(PollerStateStore.readLatest(clients, t.pollerState(), DEADLINE).get("pip"), UTF_8));
    }
  }

  @Test
  void aRestartOnAnEphemeralPortListensWhereTheLastStartDid(@TempDir Path dir) throws Exception {
    int first;
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0)) {
      first = broker.port();
    }
    // The broker's registration in its own metadata names that address: a commit a crash interrupted
    // gets its markers sent there.
    try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0)) {
      assertEquals(first, again.port());
    }
    try (ServerSocket taken = new ServerSocket(first, 50, InetAddress.getByName("localhost"))) {
      try (EmbeddedKafka moved = EmbeddedKafka.start(dir, 0)) {
        assertNotEquals(first, moved.port(), "a taken port is not waited for");
      }
    }
  }

  @Test
  void busyFixedPortFailsFastWithClearMessage(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> EmbeddedKafka.start(dir, taken.getLocalPort()));
      assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " "), e.getMessage());
      assertFalse(Files.exists(dir.resolve("logs")), "nothing formatted");
    }
  }
}

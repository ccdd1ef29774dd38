package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Static group membership ({@code kafka.instance-id}) on the real broker: an instance that died
 * without leaving gets its partitions back as soon as it is restarted with the same id, not after
 * its session timed out; an instance that stops cleanly leaves, so the others do not wait for it.
 * The session timeout is set far above the bounds asserted, so the difference cannot be luck.
 */
class StaticMembershipIT {
  private static final Duration SESSION = Duration.ofMinutes(3);
  /** A third of the session: generous on a loaded machine, impossible if the old session had to expire. */
  private static final Duration BOUND = SESSION.dividedBy(3);
  private static final AtomicInteger SEQ = new AtomicInteger();

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void aMemberRestartedWithItsInstanceIdGetsItsPartitionsBackWithoutWaitingForTheSession() {
    TopicsConfig topics = kafka.createTopics("static-restart", 3);
    String group = "static-restart-" + SEQ.incrementAndGet();
    KafkaClients clients = clients(topics, "instance-a");
    KafkaConsumer<String, byte[]> first = clients.newConsumer(group);
    first.subscribe(List.of(topics.downloads()));
    awaitAssigned(List.of(first), 3);
    // As after a kill -9: the member does not leave, the broker keeps it until its session times out.
    first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));

    long t0 = System.nanoTime();
    try (KafkaConsumer<String, byte[]> restarted = clients.newConsumer(group)) {
      restarted.subscribe(List.of(topics.downloads()));
      awaitAssigned(List.of(restarted), 3);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.compareTo(BOUND) < 0, "assigned after " + took + ", session " + SESSION);
    }
  }

  @Test
  void aStaticMemberThatStopsCleanlyLeavesAndTheOthersTakeItsPartitionsAtOnce() {
    TopicsConfig topics = kafka.createTopics("static-leave", 4);
    String group = "static-leave-" + SEQ.incrementAndGet();
    KafkaConsumer<String, byte[]> a = clients(topics, "instance-a").newConsumer(group);
    try (KafkaConsumer<String, byte[]> b = clients(topics, "instance-b").newConsumer(group)) {
      a.subscribe(List.of(topics.downloads()));
      b.subscribe(List.of(topics.downloads()));
      // Distinct instance ids share the group (neither fences the other): the partitions are split.
      long deadline = System.nanoTime() + KafkaFixture.WAIT.toNanos();
      while (a.assignment().isEmpty() || b.assignment().isEmpty()
          || a.assignment().size() + b.assignment().size() != 4) {
        a.poll(Duration.ofMillis(100));
        b.poll(Duration.ofMillis(100));
        assertTrue(System.nanoTime() < deadline, "not split: a " + a.assignment() + ", b " + b.assignment());
      }

      long t0 = System.nanoTime();
      KafkaClients.closeLeavingGroup(a, Duration.ofSeconds(5));
      awaitAssigned(List.of(b), 4);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.compareTo(BOUND) < 0, "taken over after " + took + ", session " + SESSION);
    }
  }

  private static KafkaClients clients(TopicsConfig topics, String instanceId) {
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topics, Map.of(), Map.of(),
        Map.of("session.timeout.ms", String.valueOf(SESSION.toMillis())), instanceId);
    KafkaClients clients = new KafkaClients(config, kafka.bootstrapServers());
    assertEquals(instanceId, clients.consumerProperties("g").get("group.instance.id"));
    return clients;
  }

  /** Polls {@code consumers} until together they own {@code partitions} partitions (a poll joins the group). */
  private static void awaitAssigned(List<KafkaConsumer<String, byte[]>> consumers, int partitions) {
    long deadline = System.nanoTime() + KafkaFixture.WAIT.toNanos();
    Set<TopicPartition> owned = new HashSet<>();
    while (owned.size() != partitions) {
      assertTrue(System.nanoTime() < deadline, "assigned " + owned + ", want " + partitions + " partitions");
      owned.clear();
      for (KafkaConsumer<String, byte[]> c : consumers) {
        c.poll(Duration.ofMillis(100));
        owned.addAll(c.assignment());
      }
    }
  }
}

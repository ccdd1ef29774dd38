package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {
  static final TopicPartition DOWNLOADS_3 = new TopicPartition("pypistats.downloads", 3);
  static final TopicPartition STATE_3 = new TopicPartition("pypiwatch.poller-state", 3);
  static final TopicPartition STATE_4 = new TopicPartition("pypiwatch.poller-state", 4);

  static ProducerState open(long pid, int epoch, long firstOffset) {
    return new ProducerState(pid, epoch, 5, 0L, OptionalInt.of(2), OptionalLong.of(firstOffset));
  }

  static ProducerState closed(long pid, int epoch) {
    return new ProducerState(pid, epoch, 5, 0L, OptionalInt.of(2), OptionalLong.empty());
  }

  @Test
  void onlyOpenTransactionsOfTheSameProducerFromAnOlderEpochAreHanging() {
    Map<TopicPartition, PartitionProducerState> states = Map.of(
        DOWNLOADS_3, new PartitionProducerState(List.of(open(0, 323, 665), open(7, 12, 660))),
        STATE_3, new PartitionProducerState(List.of(open(0, 323, 102))),
        STATE_4, new PartitionProducerState(List.of(closed(0, 322))));

    List<AbortTransactionSpec> hanging = HangingTransactions.hanging(0, 325, states);

    assertEquals(List.of(new AbortTransactionSpec(DOWNLOADS_3, 0, (short) 323, 2),
        new AbortTransactionSpec(STATE_3, 0, (short) 323, 2)), hanging);
  }

  @Test
  void anOpenTransactionOfTheCurrentEpochIsNotHanging() {
    Map<TopicPartition, PartitionProducerState> states =
        Map.of(DOWNLOADS_3, new PartitionProducerState(List.of(open(0, 325, 700))));

    assertEquals(List.of(), HangingTransactions.hanging(0, 325, states));
  }
}

package dev.pypiwatch.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Leaves what a commit whose markers the broker lost leaves in a partition: records of a
 * transactional id's producer id and current epoch, in a transaction its coordinator does not
 * know about (so it never writes a marker there), open for good. Kafka's clients cannot do this
 * (the partitions of a transaction are always added to it); a raw {@code Produce} request can, on
 * a broker that does not verify transactional writes: start it with {@link #BROKER_SETTINGS}.
 *
 * <p>The stand-in differs from a genuine loss in one way: the coordinator never knew the
 * partition, instead of knowing it and skipping it. What the service sees is the same: an open
 * transaction of an older epoch of its producer id once its producer is replaced.
 */
public final class LostMarkers {
  /** The broker setting that lets a raw produce request open a transaction its coordinator does not know. */
  public static final Map<String, String> BROKER_SETTINGS = Map.of("transaction.partition.verification.enable", "false");

  // Before transactions v2 (12): the broker then adds nothing to the transaction, it only appends.
  private static final short PRODUCE_VERSION = 11;

  private LostMarkers() {}

  /**
   * Appends {@code key}/{@code value} records to {@code tp} in a transaction of {@code
   * transactionalId}'s producer id and current epoch that no marker will ever end (sequence 0:
   * the producer must not have written to {@code tp} in this epoch). Blocking.
   */
  public static void leaveOpen(Admin admin, String bootstrap, String transactionalId, TopicPartition tp,
      List<Map.Entry<String, byte[]>> records) throws Exception {
    TransactionDescription d = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
        .get(30, TimeUnit.SECONDS);
    SimpleRecord[] simple = records.stream()
        .map(e -> new SimpleRecord(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), e.getValue()))
        .toArray(SimpleRecord[]::new);
    MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, d.producerId(),
        (short) d.producerEpoch(), 0, simple);
    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
    topics.add(new ProduceRequestData.TopicProduceData().setName(tp.topic()).setPartitionData(List.of(
        new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(batch))));
    ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
        .setTransactionalId(transactionalId).setTopicData(topics);
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "lost-markers", 1);
    ByteBuffer out = RequestUtils.serialize(header.data(), header.headerVersion(), request, PRODUCE_VERSION);
    String[] hostPort = bootstrap.split(",")[0].split(":");
    try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      s.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      DataOutputStream w = new DataOutputStream(s.getOutputStream());
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      w.writeInt(bytes.length);
      w.write(bytes);
      w.flush();
      DataInputStream r = new DataInputStream(s.getInputStream());
      byte[] answer = new byte[r.readInt()];
      r.readFully(answer);
      ByteBuffer in = ByteBuffer.wrap(answer);
      ResponseHeader.parse(in, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION));
      ProduceResponseData response = new ProduceResponseData(new ByteBufferAccessor(in), PRODUCE_VERSION);
      for (ProduceResponseData.TopicProduceResponse t : response.responses()) {
        for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
          Errors error = Errors.forCode(p.errorCode());
          if (error != Errors.NONE) {
            throw new IOException("produce to " + tp + " refused: " + error + " " + p.errorMessage());
          }
        }
      }
    }
    TransactionDescription after = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
        .get(30, TimeUnit.SECONDS);
    boolean open = admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
        .activeProducers().stream().anyMatch(p -> p.producerId() == d.producerId()
            && p.currentTransactionStartOffset().isPresent());
    if (after.state() == TransactionState.ONGOING || after.topicPartitions().contains(tp) || !open) {
      throw new IllegalStateException("not a transaction left without markers: " + after + ", open in " + tp + ": "
          + open);
    }
  }
}

package dev.pypiwatch.bench;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.kafka.EmbeddedKafka;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig;
import dev.pypiwatch.kafka.TopicAdmin;
import dev.pypiwatch.kafka.TopicReader;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RulesConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Consuming {@code pypistats.downloads} through pypiwatch's decode path ({@link EventCodec}) vs a
 * raw Kafka consumer reading the same records as bytes (the reference), on the embedded broker,
 * in one JVM and one run. Plain {@code main}: Kafka I/O does not fit JMH's model.
 *
 * <p>Args: [records (default 200000)] [rounds (default 5)].
 */
public final class ConsumeThroughput {
  private ConsumeThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    KafkaConfig.TopicsConfig topics = new KafkaConfig.TopicsConfig("bench.downloads", "bench.recent",
        "bench.state", "bench.alerts", "bench.silences", 6, (short) 1);
    KafkaConfig config = new KafkaConfig("", Path.of("unused"), 0, topics, Map.of(), Map.of(), Map.of());
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      KafkaClients clients = new KafkaClients(config, broker.bootstrapServers());
      try (Admin admin = clients.newAdmin()) {
        TopicAdmin.ensureTopics(admin, topics);
      }
      produce(clients, topics.downloads(), n);
      long[] raw = new long[rounds];
      long[] decoded = new long[rounds];
      long[] recorded = new long[rounds];
      long[] sink = new long[1];
      for (int r = 0; r < rounds; r++) {
        // Interleaved, so both see the same machine load and cache state.
        raw[r] = consume(clients, topics.downloads(), n, rec -> sink[0] += rec.value().length);
        decoded[r] = consume(clients, topics.downloads(), n,
            rec -> sink[0] += EventCodec.decodeDownload(rec.value()).record().downloads());
        RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
        recorded[r] = consume(clients, topics.downloads(), n,
            rec -> engine.record(EventCodec.decodeDownload(rec.value()).record()));
      }
      report(n, raw, decoded, sink[0]);
      System.out.printf("consumer + decode + RuleEngine.record (the rule engine's ingest): %,.0f records/s, "
          + "ratio to raw %.2f%n", n / (median(recorded) / 1e9), median(raw) / median(recorded));
    }
  }

  private static void produce(KafkaClients clients, String topic, int n) throws Exception {
    Instant fetched = Instant.parse("2026-04-10T02:00:03Z");
    LocalDate start = LocalDate.of(2025, 10, 1);
    List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>(n);
    try (KafkaProducer<String, byte[]> p = clients.newProducer(null)) {
      for (int i = 0; i < n; i++) {
        String pkg = "package-" + (i % 500);
        DownloadRecord rec = new DownloadRecord(pkg, Endpoint.PYTHON_MINOR, "3." + (8 + i % 6),
            start.plusDays(i % 181), 1_000 + i % 9_000);
        DownloadObservation o = new DownloadObservation(rec, Origin.REPORTED, null, fetched,
            "https://pypistats.org/api/packages/" + pkg + "/python_minor");
        sent.add(p.send(new ProducerRecord<>(topic, pkg, EventCodec.encode(o))));
      }
      p.flush();
      for (var f : sent) {
        f.get(); // a failed send would leave the consumers waiting for records that never come
      }
    }
  }

  /** Nanoseconds to read all {@code n} records from the beginning with a fresh consumer. */
  private static long consume(KafkaClients clients, String topic, int n,
      Consumer<ConsumerRecord<String, byte[]>> work) {
    try (KafkaConsumer<String, byte[]> c = TopicReader.fromBeginning(clients, topic, Duration.ofMinutes(1))) {
      long t0 = System.nanoTime();
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (seen < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + seen + " of " + n + " records within 2 minutes");
        }
        for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(100))) {
          work.accept(rec);
          seen++;
        }
      }
      return System.nanoTime() - t0;
    }
  }

  private static void report(int n, long[] raw, long[] decoded, long sink) {
    double rawRate = n / (median(raw) / 1e9);
    double decRate = n / (median(decoded) / 1e9);
    System.out.printf("records: %d, rounds: %d (medians; checksum %d)%n", n, raw.length, sink);
    System.out.printf("raw consumer (reference): %,.0f records/s  %s%n", rawRate, Arrays.toString(ms(raw)));
    System.out.printf("consumer + EventCodec.decodeDownload: %,.0f records/s  %s%n", decRate, Arrays.toString(ms(decoded)));
    System.out.printf("ratio decoded/raw throughput: %.2f%n", decRate / rawRate);
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  private static long[] ms(long[] ns) {
    return Arrays.stream(ns).map(x -> x / 1_000_000).toArray();
  }
}

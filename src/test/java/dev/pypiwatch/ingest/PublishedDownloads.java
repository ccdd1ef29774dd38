package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.simulate.SimulatedUpstream;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What a consumer of the downloads topic saw, indexed for assertions. */
record PublishedDownloads(List<DownloadObservation> all, Map<Key, DownloadObservation> latest) {

  /** The identity of a fact: one count of one series on one day. */
  record Key(String pkg, Endpoint endpoint, String category, LocalDate date) {
    static Key of(DownloadObservation o) {
      return new Key(o.record().packageName(), o.record().endpoint(), o.record().category(), o.record().date());
    }
  }

  static final List<Endpoint> SERIES =
      List.of(Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  static PublishedDownloads of(List<ConsumerRecord<String, byte[]>> records) {
    List<DownloadObservation> all = records.stream().map(r -> {
      DownloadObservation o = EventCodec.decodeDownload(r.value());
      assertEquals(o.record().packageName(), r.key(), "key = package");
      return o;
    }).toList();
    Map<Key, DownloadObservation> latest = new HashMap<>();
    all.forEach(o -> latest.put(Key.of(o), o));
    return new PublishedDownloads(all, latest);
  }

  /** Every (package, endpoint, category, date, count) was published at most once. */
  void assertNoDuplicateFacts() {
    Map<String, Integer> seen = new HashMap<>();
    for (DownloadObservation o : all) {
      seen.merge(Key.of(o) + "=" + o.record().downloads(), 1, Integer::sum);
    }
    seen.forEach((fact, n) -> assertEquals(1, n, "published " + n + " times: " + fact));
  }

  /**
   * The latest published count of every row the simulated upstream serves for {@code pkg} equals
   * the upstream's count, and every published non-zero count is a row of the upstream.
   */
  void assertMatchesUpstream(SimulatedUpstream sim, String pkg) {
    for (LocalDate d : sim.publishedDates()) {
      for (Endpoint e : SERIES) {
        sim.normalizedCounts(pkg, e, d).forEach((cat, n) -> {
          DownloadObservation o = latest.get(new Key(pkg, e, cat, d));
          assertTrue(o != null, "missing " + pkg + " " + e + " " + cat + " " + d);
          assertEquals(n, o.record().downloads(), pkg + " " + e + " " + cat + " " + d);
          assertEquals(Origin.REPORTED, o.origin());
        });
      }
    }
    java.util.Set<LocalDate> window = new java.util.HashSet<>(sim.publishedDates());
    latest.values().stream().filter(o -> o.record().packageName().equals(pkg))
        .filter(o -> window.contains(o.record().date())).forEach(o -> {
      long upstream = sim.normalizedCounts(pkg, o.record().endpoint(), o.record().date())
          .getOrDefault(o.record().category(), 0L);
      assertEquals(upstream, o.record().downloads(), "published " + o);
      assertEquals(upstream == 0 ? Origin.ZERO_FILLED : Origin.REPORTED, o.origin(), o.toString());
    });
  }

  List<DownloadObservation> of(String pkg) {
    return all.stream().filter(o -> o.record().packageName().equals(pkg)).toList();
  }
}

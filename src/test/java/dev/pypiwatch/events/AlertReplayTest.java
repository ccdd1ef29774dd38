package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The replay maps a package to the partition the producer wrote it to. */
class AlertReplayTest {

  @Test
  void partitionOfAPackageIsTheProducers() {
    for (String pkg : List.of("requests", "numpy", "pandas", "zope-interface", "__all__")) {
      for (int n : new int[] {1, 4, 6}) {
        assertEquals(BuiltInPartitioner.partitionForKey(pkg.getBytes(StandardCharsets.UTF_8), n),
            AlertReplay.partitionOf(pkg, n), pkg + " over " + n);
      }
    }
  }
}

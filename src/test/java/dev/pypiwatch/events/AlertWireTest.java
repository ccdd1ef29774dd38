package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.rules.Alert;
import dev.pypiwatch.rules.AlertState;
import dev.pypiwatch.rules.Severity;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlertWireTest {
  private static final Alert SPIKE = new Alert("requests/spike/overall/without_mirrors", "requests", "spike",
      "overall", "without_mirrors", LocalDate.parse("2026-04-01"), AlertState.FIRING, Severity.CRITICAL,
      9_000_000, 3_000_000.5, 7.25, "requests: 9M downloads, 3x the usual", Alert.linkOf("requests"));

  @Test
  void roundTripsWithTheDocumentedKeys() throws Exception {
    byte[] json = AlertWire.encode(SPIKE);
    assertEquals(SPIKE, AlertWire.decode(json));
    var keys = new TreeSet<String>();
    new ObjectMapper().readTree(json).fieldNames().forEachRemaining(keys::add);
    assertEquals(new TreeSet<>(List.of("schema", "fingerprint", "package", "rule", "series", "category", "date",
        "state", "severity", "observed", "expected", "score", "summary", "link")), keys);
    assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"state\":\"firing\""));
  }

  @Test
  void nonFiniteFiguresTravelAsNull() {
    Alert a = new Alert("f", "p", "drop", "overall", "with_mirrors", LocalDate.parse("2026-04-01"),
        AlertState.RESOLVED, Severity.INFO, 0, Double.NaN, Double.POSITIVE_INFINITY, "s", "l");
    assertTrue(new String(AlertWire.encode(a), StandardCharsets.UTF_8).contains("\"expected\":null"));
    Alert back = AlertWire.decode(AlertWire.encode(a));
    assertTrue(Double.isNaN(back.expected()) && Double.isNaN(back.score()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "{\"schema\":\"pypiwatch.download/1\"}",
      "{\"schema\":\"pypiwatch.alert/1\",\"fingerprint\":\"f\"}"})
  void rejectsWhatIsNotAnAlert(String json) {
    assertThrows(EventDecodingException.class, () -> AlertWire.decode(json.getBytes(StandardCharsets.UTF_8)));
  }

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

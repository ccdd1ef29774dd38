package dev.pypiwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stage rules of the layout: detection and notification decisions are pure, events know no Vert.x. */
class LayeringTest {
  private static final Path MAIN = Path.of("src/main/java/dev/pypiwatch");

  @ParameterizedTest
  @CsvSource({
    // package, forbidden import prefixes (|-separated), allowed file (the thin shell)
    "rules, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File, RuleVerticle.java",
    "events, io.vertx., StreamVerticle.java",
    "ingest/PollPlanner.java, io.vertx.|org.apache.kafka., -",
    // The notifier's decisions and state are pure; NotificationStream and NotifierVerticle are its shells.
    "notify/Router.java, io.vertx.|org.apache.kafka., -",
    "notify/Outbox.java, io.vertx.|org.apache.kafka., -",
    "notify/SentLog.java, io.vertx.|org.apache.kafka., -",
    "notify/SentRecord.java, io.vertx.|org.apache.kafka., -",
    "notify/RecentSeriesStore.java, io.vertx.|org.apache.kafka., -",
    "notify/FiringAlerts.java, io.vertx.|org.apache.kafka., -",
    "notify/NotifyMetrics.java, io.vertx.|org.apache.kafka., -",
  })
  void packagesImportOnlyWhatTheirStageMayUse(String where, String forbidden, String allowed) throws IOException {
    List<String> prefixes = List.of(forbidden.split("\\|"));
    Path root = MAIN.resolve(where);
    List<String> violations;
    try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root, 1) : Stream.of(root)) {
      violations = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().equals(allowed))
          .flatMap(f -> lines(f).stream()
              .filter(l -> l.startsWith("import "))
              .filter(l -> prefixes.stream().anyMatch(p -> l.substring(7).replace("static ", "").startsWith(p)))
              .map(l -> f.getFileName() + ": " + l))
          .toList();
    }
    assertEquals(List.of(), violations);
  }

  private static List<String> lines(Path f) {
    try {
      return Files.readAllLines(f);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

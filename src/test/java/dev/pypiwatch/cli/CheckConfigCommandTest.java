package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pypiwatch.outbound.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {

  @Test
  void validExampleConfigExitsZeroWithASummary() {
    CliRun run = CliRun.of("check-config", "config/pypiwatch.yaml");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("config/pypiwatch.yaml: OK, 2 packages watched, api https://pypistats.org/api"),
        run.out());
    assertEquals(1, run.out().lines().count());
  }

  @Test
  void dockerComposeConfigNeedsTheKafkaServiceFromCompose() {
    // config/docker.yaml is valid with the environment docker-compose.yml sets (ComposeFileTest
    // loads it so); without that, it refuses to run rather than start an embedded broker.
    assumeTrue(System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null, "KAFKA_BOOTSTRAP_SERVERS is set");
    CliRun run = CliRun.of("check-config", "config/docker.yaml");
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains(
        "kafka.bootstrap-servers: environment variable KAFKA_BOOTSTRAP_SERVERS is not set"), run.err());
    assertTrue(run.err().contains("1 error(s)"), run.err());
  }

  @Test
  void invalidConfigExitsTwoAndNamesFileLineColumnAndKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "api:\n  min-interval: fast\nwatchlist:\n  - ok\n  - not ok\n");

    CliRun run = CliRun.of("check-config", file.toString());

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(file + ":2:17: api.min-interval: expected a duration"), run.err());
    assertTrue(run.err().contains(file + ":5:5: watchlist[1]: invalid package name 'not ok'"), run.err());
    assertTrue(run.err().contains("2 error(s)"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void missingFileExitsTwo(@TempDir Path dir) {
    CliRun run = CliRun.of("check-config", dir.resolve("nope.yaml").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("nope.yaml"), run.err());
  }

  @Test
  void versionAndHelp() {
    CliRun version = CliRun.of("--version");
    assertEquals(0, version.exitCode());
    assertEquals("pypiwatch " + Version.get(), version.out().strip());
    assertTrue(Version.get().matches("\\d+\\.\\d+\\.\\d+.*"), Version.get());

    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("check-config") && help.out().contains("record"), help.out());
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.of("record", "--out", "x", "--bogus");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--bogus"), run.err());
  }
}

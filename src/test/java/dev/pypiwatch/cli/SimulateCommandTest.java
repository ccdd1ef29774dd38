package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pypiwatch simulate}'s command line; serving is covered by SimulatorServerTest and PackagedJarIT. */
class SimulateCommandTest {

  @Test
  void rateLimitReadsCountsPerMinute() {
    SimulateCommand.RateConverter c = new SimulateCommand.RateConverter();
    assertEquals(30, c.convert("30/min"));
    assertEquals(12, c.convert("12"));
    assertEquals(0, c.convert("0"));
    assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-1"));
    assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("fast"));
  }

  @Test
  void badInputIsExitTwoWithoutServing(@TempDir Path dir) {
    assertEquals(PypiwatchCommand.EXIT_USAGE, PypiwatchCommand.execute("simulate", "--data", dir.resolve("missing").toString()));
    assertEquals(PypiwatchCommand.EXIT_USAGE, PypiwatchCommand.execute("simulate", "--today", "tomorrow"));
    assertEquals(PypiwatchCommand.EXIT_USAGE, PypiwatchCommand.execute("simulate", "--rate-limit", "many"));
  }
}

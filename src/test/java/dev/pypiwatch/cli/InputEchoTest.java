package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI echoes what it was given with control characters escaped: one error, one line. */
class InputEchoTest {
  private static final String INJECTED = "numpy\r\nX-Injected: 1\u001b[2J";
  private static final String ESCAPED = "numpy\\r\\nX-Injected: 1\\u001B[2J";

  @TempDir Path dir;

  private static void assertNoRawControlCharacters(String err) {
    assertFalse(err.contains("\r") || err.contains("\u001b"), err);
  }

  @Test
  void aPackageNameGivenOnTheCommandLine() {
    CliRun run = CliRun.of("record", "--package", INJECTED, "--out", dir.toString());
    assertEquals(PypiwatchCommand.EXIT_USAGE, run.exitCode());
    assertTrue(run.err().startsWith("record: invalid package name '" + ESCAPED + "': "), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertNoRawControlCharacters(run.err());
  }

  @Test
  void anUnknownOptionInPicocliOwnError() {
    CliRun run = CliRun.of("check-config", "--" + INJECTED);
    assertEquals(PypiwatchCommand.EXIT_USAGE, run.exitCode());
    assertTrue(run.err().startsWith("Unknown option: '--" + ESCAPED + "'"), run.err());
    assertNoRawControlCharacters(run.err());
  }

  @Test
  void aConfigFileThatIsNotThere() {
    CliRun run = CliRun.of("record", "--config", dir.resolve(INJECTED + ".yaml").toString(),
        "--out", dir.toString());
    assertEquals(PypiwatchCommand.EXIT_USAGE, run.exitCode());
    assertEquals("record: config file not found: " + dir + "/" + ESCAPED + ".yaml",
        run.err().strip());
  }
}

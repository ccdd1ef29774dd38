package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any bytes as a config file: the loader answers a config or a {@link ConfigException} whose
 * every error names a file and a line (0 for the file as a whole) on one line, never another
 * exception; a loaded watchlist holds only valid, normalized names. Seeds: the config fixtures
 * ({@code ConfigLoaderFuzzTestInputs/}); a {@code watchlist-file} resolves next to them.
 */
class ConfigLoaderFuzzTest {
  private static final Path FILE = Path.of("src/test/resources/config/fuzzed.yaml");
  private static final Map<String, String> ENV = Map.of("PYPIWATCH_CONTACT", "ops@example.org",
      "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/x");

  @FuzzTest(maxDuration = "5m")
  void configFiles(byte[] file) {
    String yaml = new String(file, StandardCharsets.UTF_8);
    AppConfig config;
    try {
      config = ConfigLoader.parse(yaml, FILE, ENV);
    } catch (ConfigException e) {
      assertFalse(e.errors().isEmpty());
      for (ConfigError error : e.errors()) {
        assertNotNull(error.file(), error.toString());
        assertTrue(error.line() >= 0 && error.column() >= 0, error.toString());
        FuzzChecks.assertShowable(error.toString());
      }
      assertEquals(e.errors().size(), e.getMessage().lines().count(), "one line per error");
      return;
    }
    assertNotNull(config);
    for (String name : config.watchlist().names()) {
      assertTrue(PackageName.isValid(name), name);
      assertEquals(PackageName.normalize(name), name);
    }
  }
}

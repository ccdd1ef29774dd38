package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.Sensitivity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code rules.sensitivity}, globally and per package, bound from YAML. */
class SensitivityConfigTest {

  @Test
  void absentIsNormalAndLeavesTheSettingsExactlyAsWritten() throws ConfigException {
    AppConfig c = ConfigLoaderTest.parse("watchlist: [pip]\n", Map.of());
    assertEquals(Sensitivity.NORMAL, c.rules().sensitivityOf("pip"));
    assertEquals(RuleSettings.DEFAULTS, c.rules().forPackage("pip"));
  }

  @Test
  void globalLevelScalesEveryZThresholdAndPackagesOverrideIt() throws ConfigException {
    AppConfig c = ConfigLoaderTest.parse("""
        rules:
          sensitivity: high
          spike: {z: 5}
        watchlist:
          - pip
          - name: NumPy
            rules: {sensitivity: Low}
          - name: six
            rules: {drop: {z: 4}}
        """, Map.of());
    RuleSettings d = RuleSettings.DEFAULTS;
    RuleSettings pip = c.rules().forPackage("pip");
    assertEquals(Sensitivity.HIGH, c.rules().sensitivityOf("pip"));
    assertEquals(5 * 0.8, pip.spike().z(), 1e-12);
    assertEquals(d.drop().z() * 0.8, pip.drop().z(), 1e-12);
    assertEquals(d.pythonShift().z() * 0.8, pip.pythonShift().z(), 1e-12);
    assertEquals(d.osShift().z() * 0.8, pip.osShift().z(), 1e-12);
    // Floors are not thresholds in noise units: they stay.
    assertEquals(d.spike().minRatio(), pip.spike().minRatio());
    assertEquals(d.drop().maxRatio(), pip.drop().maxRatio());

    RuleSettings numpy = c.rules().forPackage("numpy");
    assertEquals(Sensitivity.LOW, c.rules().sensitivityOf("numpy"));
    assertEquals(5 * 1.25, numpy.spike().z(), 1e-12);
    assertEquals(d.drop().z() * 1.25, numpy.drop().z(), 1e-12);

    // An entry that overrides other keys keeps the global level.
    RuleSettings six = c.rules().forPackage("six");
    assertEquals(Sensitivity.HIGH, c.rules().sensitivityOf("six"));
    assertEquals(4 * 0.8, six.drop().z(), 1e-12);

    // The evaluation's levels keep the overrides and change only the level.
    assertEquals(4.0, c.rules().at(Sensitivity.NORMAL).forPackage("six").drop().z());
    assertEquals(5.0, c.rules().at(Sensitivity.NORMAL).forPackage("numpy").spike().z());
  }

  @Test
  void aBadLevelIsReportedWithItsPlace() {
    ConfigError e = ConfigLoaderTest.onlyError("rules:\n  sensitivity: medium\n", Map.of());
    assertEquals(List.of(2, 16, "rules.sensitivity"), List.of(e.line(), e.column(), e.keyPath()),
        e.toString());
    assertTrue(e.message().contains("expected low, normal or high; got 'medium'"), e.toString());
    ConfigError p = ConfigLoaderTest.onlyError(
        "watchlist:\n  - name: pip\n    rules: {sensitivity: 3}\n", Map.of());
    assertEquals(List.of(3, 26, "watchlist[0].rules.sensitivity"),
        List.of(p.line(), p.column(), p.keyPath()), p.toString());
  }
}

package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sensitivity levels and their mapping to z thresholds. */
class SensitivityTest {

  @Test
  void normalIsTheSettingsThemselves() {
    assertSame(RuleSettings.DEFAULTS, Sensitivity.NORMAL.apply(RuleSettings.DEFAULTS));
    assertSame(RuleSettings.DEFAULTS, RulesConfig.DEFAULTS.forPackage("pip"));
  }

  @Test
  void lowAndHighMoveOnlyTheZThresholdsAndTheSharePoints() {
    RuleSettings d = RuleSettings.DEFAULTS;
    RuleSettings low = Sensitivity.LOW.apply(d);
    RuleSettings high = Sensitivity.HIGH.apply(d);
    assertEquals(d.spike().z() * 1.25, low.spike().z(), 1e-12);
    assertEquals(d.spike().z() * 0.8, high.spike().z(), 1e-12);
    assertEquals(d.drop().z() * 0.8, high.drop().z(), 1e-12);
    assertEquals(d.pythonShift().z() * 1.25, low.pythonShift().z(), 1e-12);
    assertEquals(d.osShift().z() * 0.8, high.osShift().z(), 1e-12);
    // The share shifts' points move too: os-shift 12 -> 9.6 (high) and 15 (low).
    assertEquals(9.6, high.osShift().minPoints(), 1e-12);
    assertEquals(15, low.osShift().minPoints(), 1e-12);
    assertEquals(d.pythonShift().minPoints() * 0.8, high.pythonShift().minPoints(), 1e-12);
    // Everything else as it was.
    assertEquals(d.spike().minRatio(), high.spike().minRatio());
    assertEquals(d.spike().scaleFloor(), high.spike().scaleFloor());
    assertEquals(d.drop().days(), high.drop().days());
    assertEquals(d.milestone(), high.milestone());
    assertEquals(d.trend(), high.trend());
  }

  @Test
  void rulesConfigAppliesEachPackagesLevel() {
    RulesConfig c = new RulesConfig(RuleSettings.DEFAULTS, Map.of(), Sensitivity.LOW,
        Map.of("pip", Sensitivity.HIGH));
    assertEquals(RuleSettings.DEFAULTS.spike().z() * 0.8, c.forPackage("pip").spike().z(), 1e-12);
    assertEquals(RuleSettings.DEFAULTS.spike().z() * 1.25, c.forPackage("six").spike().z(), 1e-12);
    assertSame(RuleSettings.DEFAULTS, c.at(Sensitivity.NORMAL).forPackage("pip"));
  }

  @Test
  void parsesTheConfigWordsOnly() {
    assertEquals(Sensitivity.HIGH, Sensitivity.parse("High"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.parse("max"));
    assertTrue(e.getMessage().contains("expected low, normal or high, got 'max'"), e.getMessage());
  }
}

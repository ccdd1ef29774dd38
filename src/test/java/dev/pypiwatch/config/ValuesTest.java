package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations, sizes, interpolation and key suggestions on their own. */
class ValuesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "6h, PT6H", "1d, PT24H", "1h30m, PT1H30M",
      "1m30s500ms, PT1M30.5S", "0s, PT0S", "2d12h, PT60H"})
  void parsesDurations(String text, Duration expected) {
    assertEquals(expected, Durations.parse(text));
    assertEquals(text.equals("2d12h") ? "2d12h" : text, Durations.format(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "30          | a number without a unit is ambiguous",
      "0           | a number without a unit is ambiguous",
      "1.5s        | expected a duration such as 500ms, 30s, 5m, 6h or 1d; got '1.5s'",
      "5 m         | got '5 m'",
      "30m1h       | got '30m1h'",
      "1s1s        | got '1s1s'",
      "5w          | got '5w'",
      "-5s         | (not negative)",
      "''          | got ''",
      "99999999999999999999d | too large",
      "9999999999999999d | too large"})
  void rejectsBadDurations(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "1024, 1024", "1024B, 1024", "512KB, 512000", "512kB, 512000", "4MB, 4000000",
      "4MiB, 4194304", "1KiB, 1024", "2GiB, 2147483648", "1GB, 1000000000", "'4 MiB', 4194304"})
  void parsesSizes(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4mb", "4M", "-1", "1.5MiB", "MiB", "", "99999999999GiB"})
  void rejectsBadSizes(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertTrue(e.getMessage().startsWith("expected a size such as 1024, 512KB, 4MB or 4MiB"),
        e.getMessage());
  }

  @Test
  void formatsSizes() {
    assertEquals(List.of("4MiB", "500KiB", "1KB", "1023", "0"),
        List.of(Sizes.format(4L << 20), Sizes.format(512_000), Sizes.format(1000),
            Sizes.format(1023), Sizes.format(0)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "plain             | plain",
      "${A}              | a-value",
      "x${A}y${B:-b}z    | xa-valueybz",
      "$${A}             | ${A}",
      "$$$$              | $$",
      "$                 | $",
      "a$b               | a$b",
      "${EMPTY:-d}       | d",
      "${EMPTY}          | ''",
      "${A:-d:-e}        | a-value",
      "${MISSING:-a:-b}  | a:-b"})
  void interpolates(String text, String expected) throws Exception {
    Interpolator i = new Interpolator(Map.of("A", "a-value", "EMPTY", "", "B", ""));
    assertEquals(expected, i.interpolate(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "min_intervall, min-interval", "Base-URL, base-url", "max-atempts, max-attempts",
      "contakt, contact"})
  void suggestsCloseKeys(String typed, String suggestion) {
    List<String> known = List.of("base-url", "contact", "min-interval", "max-attempts");
    assertEquals(Optional.of(suggestion), KeySuggestions.nearest(typed, known));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kafka", "x", "timeout"})
  void doesNotSuggestFarKeys(String typed) {
    List<String> known = List.of("base-url", "contact", "min-interval", "max-attempts");
    assertEquals(Optional.empty(), KeySuggestions.nearest(typed, known));
  }

  @Test
  void configErrorFormat() {
    ConfigError e = new ConfigError(java.nio.file.Path.of("config/pypiwatch.yaml"), 12, 5,
        "api.min-interval", "expected a duration such as 500ms, 30s, 5m, 6h or 1d; got 'fast'");
    assertEquals("config/pypiwatch.yaml:12:5: api.min-interval: expected a duration such as "
        + "500ms, 30s, 5m, 6h or 1d; got 'fast'", e.toString());
  }
}

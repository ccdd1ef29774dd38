package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one wording of numbers, plurals and dates (summaries, Slack, e-mail, the CLI table). */
class TextFormatTest {
  private static final LocalDate FRIDAY = LocalDate.parse("2026-04-03");

  @Test
  void printableEscapesControlAndInvisibleCharactersAndKeepsTheRest() {
    assertEquals("a\\r\\nb\\t\\u0000\\u001B[31m\\u007F\\u0085\\u2028\\u202E",
        TextFormat.printable("a\r\nb\t\u0000\u001b[31m\u007f\u0085\u2028\u202e"));
    assertEquals("Zürich 北京 😀 \\ ok", TextFormat.printable("Zürich 北京 😀 \\ ok"));
    assertEquals("\\uD800x", TextFormat.printable("\ud800x")); // an unpaired surrogate
    assertEquals("null", TextFormat.printable(null));
    String plain = "requests";
    assertSame(plain, TextFormat.printable(plain));
  }

  @Test
  void printableTwiceIsPrintableOnce() {
    String once = TextFormat.printable("pkg\r\nX-Injected: 1\u0007");
    assertEquals(once, TextFormat.printable(once));
    assertEquals(1, once.lines().count());
  }

  @Test
  void countsAreRoundedWithSeparators() {
    assertEquals("3,412,000", TextFormat.count(3_412_000.4));
    assertEquals("42", TextFormat.count(41.5)); // half up
    assertEquals("0", TextFormat.count(0));
  }

  @ParameterizedTest
  @CsvSource({"NaN", "Infinity", "-Infinity"})
  void nonFiniteValuesReadNotAvailableEverywhere(double v) {
    assertEquals("n/a", TextFormat.count(v));
    assertEquals("n/a", TextFormat.decimal(v));
    assertEquals("n/a", TextFormat.ratio(v));
    assertEquals("n/a", TextFormat.percent(v));
    assertEquals("n/a", TextFormat.change(v));
    assertEquals("n/a", TextFormat.points(v));
  }

  @ParameterizedTest
  @CsvSource({"0, 0 alerts", "1, 1 alert", "2, 2 alerts", "1000, 1000 alerts"})
  void pluralsCarryTheirNumber(long n, String expected) {
    assertEquals(expected, TextFormat.plural(n, "alert"));
  }

  @Test
  void fractionsOfOneReadInPercentAndPoints() {
    assertEquals("40.1%", TextFormat.percent(0.401));
    assertEquals("+5.0 pp", TextFormat.points(0.05));
    assertEquals("-2.5 pp", TextFormat.points(-0.025));
    assertEquals("-25.0%", TextFormat.change(-0.25));
    assertEquals("+10.0%", TextFormat.change(0.1));
    assertEquals("3.0x", TextFormat.ratio(2.96));
    assertEquals("4.2", TextFormat.decimal(4.24));
  }

  @Test
  void alertValuesAreDownloadsOnOverallAndSharesElsewhere() {
    Alert spike = alert("overall", 3_412_000.4);
    Alert shift = alert("python_minor", 41.27);
    assertEquals("3,412,000", TextFormat.alertValue(spike, spike.observed()));
    assertEquals("41.3%", TextFormat.alertValue(shift, shift.observed()));
    assertEquals("n/a", TextFormat.alertValue(shift, Double.NaN));
  }

  @Test
  void daysCarryTheirWeekday() {
    assertEquals("2026-04-03 (Fri)", TextFormat.day(FRIDAY));
    assertEquals("Friday", TextFormat.weekday(FRIDAY));
    assertEquals("Sunday", TextFormat.weekday(FRIDAY.plusDays(2)));
  }

  private static Alert alert(String series, double observed) {
    return new Alert("fp", "numpy", "spike", series, "3.13", FRIDAY, AlertState.FIRING, Severity.WARNING,
        observed, 1, 5, "summary", Alert.linkOf("numpy"));
  }

  @Test
  void oneDecimalAndGroupedWriteWhatTheFormatterWrites() {
    // The formatter's own output is the reference: edge cases, ties at every tenth, then random values
    // of every magnitude (the hand-written path must not change a single summary).
    List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 0.05, -0.05, 0.15, 0.25, 0.35, 0.45, 1.05, 2.675,
        -0.04, -0.049999, 0.04999, 99.95, 99.949999, 1e-7, -1e-7, 1e7, 1.2345678e15, 9.99e17, -9.99e17, 123456.75,
        Double.MIN_VALUE, -Double.MIN_VALUE));
    for (int k = -20_000; k <= 20_000; k++) {
      values.add(k / 20.0); // every x.x5 tie and every tenth
      values.add(k / 200.0);
      values.add(k * 0.01 * 100); // a share times 100, as percent() computes it
    }
    Random random = new Random(15);
    for (int k = 0; k < 200_000; k++) {
      values.add((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(19) - 4));
    }
    for (double v : values) {
      assertEquals(String.format(Locale.ROOT, "%.1f", v), TextFormat.oneDecimal(v, false), "%.1f of " + v);
      assertEquals(String.format(Locale.ROOT, "%+.1f", v), TextFormat.oneDecimal(v, true), "%+.1f of " + v);
      long n = Math.round(v);
      assertEquals(String.format(Locale.ROOT, "%,d", n), TextFormat.grouped(n), "%,d of " + n);
    }
    for (long n : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -999, -1000, 999, 1000, 100_000, -100_000}) {
      assertEquals(String.format(Locale.ROOT, "%,d", n), TextFormat.grouped(n), "%,d of " + n);
    }
  }
}

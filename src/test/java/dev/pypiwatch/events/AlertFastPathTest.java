package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The alerts' fast path agrees with the general decoder: it reads what the rule stage writes (else
 * the speed is lost unseen), answers what the general decoder answers, and leaves every other shape
 * (null) to it, errors included.
 */
class AlertFastPathTest {
  private static final String PLAIN = new String(AlertCodec.encode(AlertCodecTest.PIP_SPIKE), UTF_8);
  private static final String EXPLAINED = new String(AlertCodec.encode(AlertCodecTest.PIP_SPIKE_EXPLAINED), UTF_8);

  @Test
  void readsWhatTheRuleStageWrites() {
    Random random = new Random(15);
    double[] specials = {0.0, -0.0, 1e-300, 1e300, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, 123456789012345680000.0, 5000};
    for (int k = 0; k < 5_000; k++) {
      AlertContext context = switch (random.nextInt(3)) {
        case 0 -> null;
        case 1 -> new AlertContext(null, null, null, null, "Sunday", null, null);
        default -> new AlertContext(random.nextGaussian(), random.nextBoolean() ? null : random.nextDouble(),
            random.nextBoolean() ? null : random.nextLong(-999_999_999_999_999_999L, 999_999_999_999_999_999L),
            "about 1 day in " + random.nextInt(5000), random.nextBoolean() ? "Monday" : null,
            random.nextBoolean() ? "easter" : null, random.nextBoolean() ? null
                : new Release("1." + random.nextInt(50), Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000))));
      };
      String pkg = "p-" + random.nextInt(1000);
      Alert a = new Alert("spike:" + pkg + ":overall:without_mirrors", pkg, "spike", "overall", "without_mirrors",
          LocalDate.ofEpochDay(random.nextInt(40_000)), AlertState.values()[random.nextInt(2)],
          Severity.values()[random.nextInt(3)], number(random, specials), number(random, specials),
          number(random, specials), pkg + ": downloads spiked", Alert.linkOf(pkg), context);
      byte[] json = AlertCodec.encode(a);
      Alert quick = AlertFastPath.alert(json);
      assertEquals(AlertCodec.decodeGeneral(json), quick, new String(json, UTF_8));
      assertEquals(false, quick == null, "read, not declined: " + new String(json, UTF_8));
      assertHeadAgrees(json, quick);
    }
  }

  private static double number(Random random, double[] specials) {
    return switch (random.nextInt(4)) {
      case 0 -> specials[random.nextInt(specials.length)];
      case 1 -> random.nextInt(100_000);
      case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      default -> -random.nextGaussian();
    };
  }

  @Test
  void readsEveryDecimalAsDoubleParseDoubleDoes() {
    // The quick exact path (few digits, small exponents) and the parsed rest, against the JDK.
    Random random = new Random(15);
    String[] samples = {"0.1", "0.3", "9.5", "5000.0", "1.0E7", "1.0E22", "1.0E23", "123456789012345.6",
        "1234567890123456.7", "0.000001234", "4.9E-324", "1.7976931348623157E308", "2.2250738585072014E-308",
        "9007199254740993.0", "1e-22", "1e-23", "0.0", "7.2", "3412000.0"};
    for (int k = 0; k < 20_000 + samples.length; k++) {
      String n = k < samples.length ? samples[k] : switch (random.nextInt(3)) {
        case 0 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(60) - 30));
        case 1 -> random.nextInt(1_000_000) + "." + random.nextInt(1_000_000);
        default -> random.nextInt(100_000) + "." + random.nextInt(1000) + "e" + (random.nextInt(60) - 30);
      };
      for (String signed : new String[] {n, "-" + n}) {
        String json = PLAIN.replace("\"observed\":3412000.0", "\"observed\":" + signed);
        Alert quick = AlertFastPath.alert(json.getBytes(UTF_8));
        assertEquals(false, quick == null, json);
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(signed)),
            Double.doubleToRawLongBits(quick.observed()), signed);
        assertEquals(AlertCodec.decodeGeneral(json.getBytes(UTF_8)), quick, json);
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"observed\":3412000.0|\"observed\":5000",
    "\"observed\":3412000.0|\"observed\":-0",
    "\"observed\":3412000.0|\"observed\":-0.0",
    "\"observed\":3412000.0|\"observed\":1e3",
    "\"observed\":3412000.0|\"observed\":1E+3",
    "\"observed\":3412000.0|\"observed\":null",
  })
  void readsEveryNumberAsTheGeneralDecoderDoes(String from, String to) {
    String json = PLAIN.replace(from, to);
    assertEquals(false, json.equals(PLAIN), "the replacement applies");
    Alert quick = AlertFastPath.alert(json.getBytes(UTF_8));
    assertEquals(AlertCodec.decodeGeneral(json.getBytes(UTF_8)), quick, json);
    assertEquals(false, quick == null, "read by the fast path: " + json);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"observed\":3412000.0|\"observed\":05000.0",
    "\"observed\":3412000.0|\"observed\":5000.",
    "\"observed\":3412000.0|\"observed\":.5",
    "\"observed\":3412000.0|\"observed\":+5",
    "\"observed\":3412000.0|\"observed\":1e",
    "\"observed\":3412000.0|\"observed\":99999999999999999999",
    "\"observed\":3412000.0|\"observed\":\"5000\"",
    "\"observed\":3412000.0|\"observed\":NaN",
    "\"observed\":3412000.0|\"observed\":3412000.0,\"observed\":1.0",
    "\"observed\":3412000.0|\"observed\":3412000.0,\"extra\":1",
    "\"date\":\"2026-04-03\"|\"date\":\"2026-02-29\"",
    "\"date\":\"2026-04-03\"|\"date\":\"2026-4-2\"",
    "\"date\":\"2026-04-03\"|\"date\":null",
    "\"state\":\"firing\"|\"state\":\"FIRING\"",
    "\"state\":\"firing\"|\"state\":\"fired\"",
    "\"severity\":\"warning\"|\"severity\":\"urgent\"",
    "\"schema\":\"pypiwatch.alert/1\"|\"schema\":\"pypiwatch.alert/2\"",
    "\"package\":\"pip\"|\"package\":null",
    "\"package\":\"pip\"|\"package\":\"p\\u0069p\"",
    "\"package\":\"pip\"|\"package\":\"pip\u00e9\"",
    "\"summary\":\"pip|\"summary\":\"p\tip",
    "}|} {}",
    "}|'} '",
    "}|,\"context\":null}",
    "{\"schema\":\"pypiwatch.alert/1\",|{ \"schema\" : \"pypiwatch.alert/1\" , ",
    "\"package\":\"pip\",\"rule\":\"spike\"|\"rule\":\"spike\",\"package\":\"pip\"",
  })
  void leavesEveryOtherShapeToTheGeneralDecoder(String from, String to) {
    String json = PLAIN.replace(from, to);
    assertEquals(false, json.equals(PLAIN), "the replacement applies");
    // (some of these are valid alerts: the general decoder reads them)
    assertNull(AlertFastPath.alert(json.getBytes(UTF_8)), json);
    assertNull(AlertFastPath.head(json.getBytes(UTF_8)), json);
    assertSameAsGeneral(json.getBytes(UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"one_day_in\":2000|\"one_day_in\":2000.0",
    "\"one_day_in\":2000|\"one_day_in\":2e3",
    "\"one_day_in\":2000|\"one_day_in\":\"2000\"",
    "\"one_day_in\":2000|\"one_day_in\":99999999999999999999",
    "\"mirror_share\":0.125|\"mirror_share\":\"0.125\"",
    "\"weekday\":\"Friday\"|\"weekday\":5",
    "\"weekday\":\"Friday\"|\"weekday\":\"Fri\\\"day\"",
    "\"uploaded\":\"2026-04-02T14:03:11Z\"|\"uploaded\":\"2026-04-02 14:03:11\"",
    "\"release\":{\"version\":\"24.1\",|\"release\":{\"v\":1,\"version\":\"24.1\",",
    "\"release\":{|\"release\":[{",
    "\"ecosystem_change\":-0.04,|",
    "\"ecosystem_change\":-0.04|\"ecosystem_change\":-0.04,\"new_field\":true",
    "}}}|}}",
  })
  void leavesEveryOtherContextToTheGeneralDecoder(String from, String to) {
    String json = EXPLAINED.replace(from, to == null ? "" : to);
    assertEquals(false, json.equals(EXPLAINED), "the replacement applies");
    assertNull(AlertFastPath.alert(json.getBytes(UTF_8)), json);
    assertSameAsGeneral(json.getBytes(UTF_8));
  }

  @Test
  void mutatedAlertsDecodeAsTheGeneralDecoderDecodesThem() {
    Random random = new Random(15);
    String alphabet = "{}[]\",:0123456789-+eETZ.tz abnul\\";
    for (String base : new String[] {PLAIN, EXPLAINED}) {
      for (int k = 0; k < 20_000; k++) {
        assertSameAsGeneral(FastPathChecks.mutate(base, random, alphabet).getBytes(UTF_8));
      }
    }
  }

  /** Whatever the fast path answers the general decoder answers; where it declines, decoding is the general decoder's. */
  private static void assertSameAsGeneral(byte[] json) {
    String expected = FastPathChecks.outcome(() -> AlertCodec.decodeGeneral(json));
    Alert quick = AlertFastPath.alert(json);
    if (quick != null) {
      assertEquals(expected, quick.toString(), new String(json, UTF_8));
    }
    assertEquals(expected, FastPathChecks.outcome(() -> AlertCodec.decode(json)));
    assertHeadAgrees(json, quick);
    assertEquals(expected, FastPathChecks.outcome(() -> AlertCodec.decodeLazily(json).alert()));
  }

  /**
   * The head mode accepts exactly what the fast path reads (so the rest, decoded later, cannot fail),
   * its head is the alert's, and the rest decodes to the alert.
   */
  private static void assertHeadAgrees(byte[] json, Alert quick) {
    AlertCodec.LazyAlert head = AlertFastPath.head(json);
    assertEquals(quick == null, head == null, "head declines exactly when the fast path does: " + new String(json, UTF_8));
    if (head != null) {
      assertEquals(List.of(quick.fingerprint(), quick.packageName(), quick.date(), quick.state()),
          List.of(head.fingerprint(), head.packageName(), head.date(), head.state()));
      assertEquals(quick, head.alert());
    }
  }
}

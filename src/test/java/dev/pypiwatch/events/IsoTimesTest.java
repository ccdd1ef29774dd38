package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick date and timestamp parse is a part of {@code java.time}'s: whatever it answers,
 * {@link LocalDate#parse} and {@link Instant#parse} answer the same, and it declines (null) all it
 * does not know, so that the codec's accepted values and error messages stay those of
 * {@code java.time}.
 */
class IsoTimesTest {
  private static final Random RANDOM = new Random(15);

  @Test
  void everyDayOfFourCenturiesAndEveryShapeOfTimestampAsJavaTime() {
    for (LocalDate d = LocalDate.of(1900, 1, 1); d.getYear() < 2300; d = d.plusDays(1)) {
      assertEquals(d, IsoTimes.date(d.toString()));
      Instant i = d.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
          .plusSeconds(RANDOM.nextInt(86_400)).plusNanos(RANDOM.nextInt(1_000_000_000) / pow10(RANDOM.nextInt(10)));
      assertEquals(i, IsoTimes.instant(i.toString()), i.toString()); // Instant.toString: 0, 3, 6 or 9 digits
    }
    assertEquals(Instant.parse("2026-04-02T02:00:03.1Z"), IsoTimes.instant("2026-04-02T02:00:03.1Z"));
    assertEquals(Instant.parse("2026-04-02T02:00:03.12345Z"), IsoTimes.instant("2026-04-02T02:00:03.12345Z"));
    assertEquals(LocalDate.parse("0000-01-01"), IsoTimes.date("0000-01-01"));
    assertEquals(Instant.parse("9999-12-31T23:59:59.999999999Z"), IsoTimes.instant("9999-12-31T23:59:59.999999999Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-02-29", "2024-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
      "2026-1-01", "2026/01/01", "+2026-01-01", "12026-01-01", "2026-01-01 ", "２０２６-01-01", "-001-01-01",
      "2026-01-0a", ""})
  void declinesWhatIsNotAValidDateOfItsShape(String s) {
    assertNull(IsoTimes.date(s));
    assertSameAsJavaTime(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-04-02T24:00:00Z", "2026-04-02T23:60:00Z", "2026-04-02T23:59:60Z",
      "2026-04-02t02:00:03Z", "2026-04-02T02:00:03z", "2026-04-02T02:00:03.Z", "2026-04-02T02:00:03.1234567890Z",
      "2026-04-02T02:00:03+01:00", "2026-04-02T02:00Z", "2026-02-29T02:00:03Z", "2026-04-02T02:00:03.12a4Z",
      "2026-04-02 02:00:03Z", "2026-04-02T02-00-03Z", "2026-04-02T02:00:03", "yesterday-and-the-day-before"})
  void declinesWhatIsNotAValidTimestampOfItsShape(String s) {
    assertNull(IsoTimes.instant(s));
    assertSameAsJavaTime(s);
  }

  @Test
  void randomTextOfTheShapesIsParsedAsJavaTimeParsesIt() {
    char[] alphabet = "0123456789-:T.Z+t".toCharArray();
    for (int k = 0; k < 200_000; k++) {
      char[] c = (RANDOM.nextBoolean() ? "2026-04-02T02:00:03.120Z" : "2026-04-02").toCharArray();
      for (int m = RANDOM.nextInt(3); m >= 0; m--) {
        c[RANDOM.nextInt(c.length)] = alphabet[RANDOM.nextInt(alphabet.length)];
      }
      assertSameAsJavaTime(new String(c));
    }
  }

  /** Whatever the quick parse answers for {@code s} is what java.time answers. */
  private static void assertSameAsJavaTime(String s) {
    LocalDate d = IsoTimes.date(s);
    if (d != null) {
      assertEquals(LocalDate.parse(s), d, s);
    }
    Instant i = IsoTimes.instant(s);
    if (i != null) {
      assertEquals(Instant.parse(s), i, s);
    }
  }

  private static int pow10(int n) {
    int p = 1;
    for (int k = 0; k < n; k++) {
      p *= 10;
    }
    return p;
  }

  @Test
  void javaTimeStillAnswersTheOtherShapes() {
    // What the codec falls back to: accepted by java.time though not of the quick shape.
    assertEquals(Instant.parse("2026-04-02T02:00:03Z"), parsedByCodec("2026-04-02t02:00:03z"));
    assertEquals(Instant.parse("2026-04-03T00:00:00Z"), parsedByCodec("2026-04-02T24:00:00Z"));
    try {
      Instant.parse("2026-02-29T02:00:03Z");
      throw new AssertionError("java.time accepted 29 February 2026");
    } catch (DateTimeParseException expected) {
      // and so the codec reports it (EventCodecTest)
    }
  }

  private static Instant parsedByCodec(String fetchedAt) {
    String json = new String(EventCodec.encode(Samples.download("pip", "2026-04-01", 1)),
        java.nio.charset.StandardCharsets.UTF_8).replaceAll("\"fetched_at\":\"[^\"]*\"", "\"fetched_at\":\"" + fetchedAt + "\"");
    return EventCodec.decodeDownload(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).fetchedAt();
  }
}

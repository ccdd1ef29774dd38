package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The download events' fast path agrees with the general decoder: it reads what the poller writes
 * (else the speed is lost unseen), answers what the general decoder answers, and leaves every
 * other shape (null) to it, errors included.
 */
class DownloadFastPathTest {
  private static final String JSON = new String(EventCodec.encode(Samples.download("pip", "2026-04-01", 123)), UTF_8);

  @Test
  void readsWhatThePollerWrites() {
    Random random = new Random(15);
    Endpoint[] series = {Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM};
    for (int k = 0; k < 5_000; k++) {
      Origin origin = Origin.values()[random.nextInt(Origin.values().length)];
      DownloadRecord r = new DownloadRecord("p-" + random.nextInt(1000), series[random.nextInt(series.length)],
          random.nextBoolean() ? "3." + random.nextInt(20) : Categories.UNKNOWN, LocalDate.ofEpochDay(random.nextInt(2_900_000)),
          origin == Origin.ZERO_FILLED ? 0 : random.nextLong(1_000_000_000_000_000_000L));
      Long previous = random.nextBoolean() ? null : random.nextLong(-999_999_999_999_999_999L, 1_000_000_000_000_000_000L);
      DownloadObservation o = new DownloadObservation(r, origin, previous,
          Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000_000)),
          "https://pypistats.org/api/packages/" + r.packageName() + "/" + r.endpoint().path());
      byte[] json = EventCodec.encode(o);
      assertEquals(o, DownloadFastPath.observation(json));
      assertEquals(r, DownloadFastPath.record(json));
      assertEquals(o, EventCodec.decodeAnyDownload(json));
    }

  }

  @Test
  void theLastDateAndTimestampReadAreNotTakenForAnotherString() {
    // Each event read right after the usual one, whose date and timestamp are then the last read.
    String[][] replacements = {
      {"\"fetched_at\":\"2026-04-02T02:00:03.120Z\"", "\"fetched_at\":\"2026-04-02T02:00:03.120Zx\""},
      {"\"fetched_at\":\"2026-04-02T02:00:03.120Z\"", "\"fetched_at\":\"2026-04-02T02:00:03.120\""},
      {"\"fetched_at\":\"2026-04-02T02:00:03.120Z\"", "\"fetched_at\":\"2026-04-02T02:00:03.121Z\""},
      {"\"date\":\"2026-04-01\"", "\"date\":\"2026-04-011\""},
      {"\"date\":\"2026-04-01\"", "\"date\":\"2026-04-02\""},
    };
    for (String[] r : replacements) {
      byte[] other = JSON.replace(r[0], r[1]).getBytes(UTF_8);
      assertEquals(false, JSON.equals(new String(other, UTF_8)), "the replacement applies: " + r[1]);
      for (boolean asRecord : new boolean[] {true, false}) {
        byte[] usual = JSON.getBytes(UTF_8);
        if (asRecord) {
          assertEquals(EventCodec.decodeAnyRecord(usual), DownloadFastPath.record(usual));
        } else {
          assertEquals(EventCodec.decodeAnyDownload(usual), DownloadFastPath.observation(usual));
        }
        assertSameAsGeneral(other);
      }
    }
  }

  @Test
  void anObservationAfterARecordOfTheSameTimestampHasItsTimestamp() {
    byte[] json = JSON.getBytes(UTF_8);
    DownloadFastPath.record(json); // checks the timestamp without building it
    assertEquals(EventCodec.decodeAnyDownload(json), DownloadFastPath.observation(json));
    assertEquals(Instant.parse("2026-04-02T02:00:03.120Z"), DownloadFastPath.observation(json).fetchedAt());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"downloads\":123|\"downloads\":-1",
    "\"downloads\":123|\"downloads\":1.0",
    "\"downloads\":123|\"downloads\":99999999999999999999",
    "\"downloads\":123|\"downloads\":\"123\"",
    "\"downloads\":123,|''",
    "\"downloads\":123|\"downloads\":123,\"downloads\":123",
    "\"downloads\":123|\"downloads\":123,\"extra\":1",
    "\"date\":\"2026-04-01\"|\"date\":\"2026-02-29\"",
    "\"date\":\"2026-04-01\"|\"date\":null",
    "\"endpoint\":\"overall\"|\"endpoint\":\"recent\"",
    "\"endpoint\":\"overall\"|\"endpoint\":\"overal\"",
    "\"origin\":\"reported\"|\"origin\":\"zero-filled\"",
    "\"origin\":\"reported\"|\"origin\":\"Reported\"",
    "\"schema\":\"pypiwatch.download/1\"|\"schema\":\"pypiwatch.download/2\"",
    "\"package\":\"pip\"|\"package\":null",
    "\"previous_downloads\":null|\"previous_downloads\":true",
    "\"previous_downloads\":null|\"previous_downloads\":1e3",
    "\"fetched_at\":\"2026-04-02T02:00:03.120Z\"|\"fetched_at\":\"2026-04-02t02:00:03.120z\"",
    "\"fetched_at\":\"2026-04-02T02:00:03.120Z\"|\"fetched_at\":\"2026-04-02T24:00:00Z\"",
    "\"source\":\"https|\"source\":{\"a\":1},\"x\":\"https",
    "\"source\":|\"source\":null,\"y\":",
    "}|} {}",
    "}|'} '",
    "{\"schema\":\"pypiwatch.download/1\",|{ \"schema\" : \"pypiwatch.download/1\" , ",
    "\"package\":\"pip\"|\"package\":\"p\\u0069p\"",
    "\"package\":\"pip\"|\"package\":\"pip\u00e9\"",
    "\"category\":\"without_mirrors\"|\"category\":\"with\tmirrors\"",
    "\"downloads\":123|\"downloads\":0123",
    "\"downloads\":123|\"downloads\":-0",
    "\"downloads\":123|\"downloads\":1234567890123456789",
    "\"previous_downloads\":null|\"previous_downloads\":07",
    "\"previous_downloads\":null|\"previous_downloads\":nul",
    "\"origin\":\"reported\",\"previous_downloads\":null|\"previous_downloads\":null,\"origin\":\"reported\"",
  })
  void leavesEveryOtherShapeToTheGeneralDecoder(String from, String to) {
    String json = JSON.replace(from, to);
    assertEquals(false, json.equals(JSON), "the replacement applies");
    // (some of these are valid events: the general decoder reads them)
    assertNull(DownloadFastPath.record(json.getBytes(UTF_8)), json);
    assertNull(DownloadFastPath.observation(json.getBytes(UTF_8)), json);
    assertSameAsGeneral(json.getBytes(UTF_8));
  }

  @Test
  void mutatedEventsDecodeAsTheGeneralDecoderDecodesThem() {
    Random random = new Random(15);
    String alphabet = "{}[]\",:0123456789-TZ.tz abnul\\e";
    for (int k = 0; k < 20_000; k++) {
      assertSameAsGeneral(FastPathChecks.mutate(JSON, random, alphabet).getBytes(UTF_8));
    }
  }

  /** Whatever the fast path answers the general decoder answers; where it declines, decoding is the general decoder's. */
  private static void assertSameAsGeneral(byte[] json) {
    String expected = FastPathChecks.outcome(() -> EventCodec.decodeAnyDownload(json));
    DownloadObservation quick = DownloadFastPath.observation(json);
    if (quick != null) {
      assertEquals(expected, quick.toString(), new String(json, UTF_8));
    }
    assertEquals(expected, FastPathChecks.outcome(() -> EventCodec.decodeDownload(json)));
    String expectedRecord = FastPathChecks.outcome(() -> EventCodec.decodeAnyRecord(json));
    DownloadRecord quickRecord = DownloadFastPath.record(json);
    if (quickRecord != null) {
      assertEquals(expectedRecord, quickRecord.toString(), new String(json, UTF_8));
    }
    assertEquals(expectedRecord, FastPathChecks.outcome(() -> EventCodec.decodeRecord(json)));
  }
}

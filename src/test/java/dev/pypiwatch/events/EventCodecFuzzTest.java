package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pypiwatch.testing.FuzzChecks;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * The event codecs ({@link EventCodec}, {@link AlertCodec}, {@link SilenceCodec}) under any bytes:
 * decoding answers an event or an {@link EventDecodingException} with a one-line message, never
 * another exception; whatever decodes has no negative count and round-trips
 * ({@code decode(encode(x)).equals(x)}); and observations built from fuzzed values round-trip too.
 * Seeds: the sample events of {@code docs/events.md} ({@code EventCodecFuzzTestInputs/}).
 */
class EventCodecFuzzTest {
  private record Codec<T>(String name, Function<byte[], T> decode, Function<T, byte[]> encode) {
    void check(byte[] bytes) {
      T decoded;
      try {
        decoded = decode.apply(bytes);
      } catch (EventDecodingException e) {
        FuzzChecks.assertShowable(e.getMessage());
        return;
      }
      assertEquals(decoded, decode.apply(encode.apply(decoded)), name + " does not round-trip");
    }
  }

  private static final List<Codec<?>> CODECS = List.of(
      new Codec<>("download", EventCodec::decodeDownload, EventCodec::encode),
      new Codec<>("recent", EventCodec::decodeRecent, EventCodec::encode),
      new Codec<>("alert", AlertCodec::decode, AlertCodec::encode),
      new Codec<>("silence", SilenceCodec::decode, SilenceCodec::encode));

  @FuzzTest(maxDuration = "4m")
  void decodedEventsRoundTrip(byte[] bytes) {
    for (Codec<?> codec : CODECS) {
      codec.check(bytes);
    }
    try {
      DownloadRecord r = EventCodec.decodeRecord(bytes);
      assertTrue(r.downloads() >= 0, r.toString());
    } catch (EventDecodingException e) {
      FuzzChecks.assertShowable(e.getMessage());
    }
    try {
      RecentDownloads r = EventCodec.decodeRecent(bytes).recent();
      for (Long n : new Long[] {r.lastDay(), r.lastWeek(), r.lastMonth()}) {
        assertTrue(n == null || n >= 0, r.toString());
      }
    } catch (EventDecodingException e) {
      // checked above
    }
  }

  @FuzzTest(maxDuration = "2m")
  void observationsRoundTrip(FuzzedDataProvider data) {
    Endpoint endpoint = data.pickValue(List.of(
        Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM));
    Origin origin = data.pickValue(Origin.values());
    long downloads = origin == Origin.ZERO_FILLED ? 0 : data.consumeLong(0, Long.MAX_VALUE);
    LocalDate date = LocalDate.ofEpochDay(data.consumeLong(-365_000, 2_900_000));
    Long previous = data.consumeBoolean() ? null : data.consumeLong(0, Long.MAX_VALUE);
    Instant fetchedAt = Instant.ofEpochSecond(data.consumeLong(-30_000_000_000L, 250_000_000_000L),
        data.consumeInt(0, 999_999_999));
    String pkg = data.consumeString(40);
    String category = data.consumeString(40);
    String source = data.consumeString(200);
    DownloadObservation o = new DownloadObservation(
        new DownloadRecord(pkg, endpoint, category, date, downloads), origin, previous, fetchedAt, source);
    assertEquals(o, EventCodec.decodeDownload(EventCodec.encode(o)));

    Long day = data.consumeBoolean() ? null : data.consumeLong(0, Long.MAX_VALUE);
    LocalDate asOf = data.consumeBoolean() ? null : date;
    RecentObservation r = new RecentObservation(
        new RecentDownloads(pkg, day, previous, downloads), asOf, fetchedAt, source);
    assertEquals(r, EventCodec.decodeRecent(EventCodec.encode(r)));
  }
}

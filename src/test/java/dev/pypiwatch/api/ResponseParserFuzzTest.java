package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.NormalizedSeries;
import dev.pypiwatch.ingest.Normalizer;
import dev.pypiwatch.ingest.RejectedRow;
import dev.pypiwatch.testing.FuzzChecks;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * Any bytes as an upstream body: the parser answers a response or an {@link
 * InvalidResponseException} naming where, never another exception; what it answers normalizes, for
 * every endpoint, into records that are never negative and rows rejected with a path, and no
 * download goes missing between the two; a body that {@link SeriesFastPath} reads, Jackson reads to
 * the same response. Seeds: the real bodies of {@code fixtures/pypistats-real}
 * ({@code ResponseParserFuzzTestInputs/}).
 */
class ResponseParserFuzzTest {
  private static final List<Endpoint> SERIES =
      Arrays.stream(Endpoint.values()).filter(Endpoint::isTimeSeries).toList();

  @FuzzTest(maxDuration = "5m")
  void seriesBodies(byte[] body) {
    SeriesResponse response;
    try {
      response = ResponseParser.parseSeries(body);
    } catch (InvalidResponseException e) {
      assertNamesWhere(e);
      return;
    }
    SeriesResponse usual = SeriesFastPath.series(body);
    if (usual != null) {
      assertEquals(ResponseParser.parseSeriesWithJackson(body), usual, "the fast path read otherwise");
    }
    BigInteger sent = BigInteger.ZERO;
    for (SeriesRow row : response.rows()) {
      assertNotNull(row.date());
      assertTrue(row.downloads() >= 0, row.toString());
      sent = sent.add(BigInteger.valueOf(row.downloads()));
    }
    for (Endpoint endpoint : SERIES) {
      NormalizedSeries n = Normalizer.series("pkg", endpoint, response);
      BigInteger kept = BigInteger.ZERO;
      for (DownloadRecord r : n.records()) {
        assertTrue(r.downloads() >= 0, r.toString());
        kept = kept.add(BigInteger.valueOf(r.downloads()));
      }
      BigInteger left = BigInteger.ZERO;
      for (RejectedRow r : n.rejected()) {
        assertTrue(r.row() >= 0 && r.row() < response.rows().size(), r.toString());
        FuzzChecks.assertShowable(r.toString());
        left = left.add(BigInteger.valueOf(response.rows().get(r.row()).downloads()));
      }
      assertEquals(sent, kept.add(left), "downloads lost normalizing for " + endpoint);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void recentBodies(byte[] body) {
    RecentResponse response;
    try {
      response = ResponseParser.parseRecent(body);
    } catch (InvalidResponseException e) {
      assertNamesWhere(e);
      return;
    }
    for (Long n : new Long[] {response.lastDay(), response.lastWeek(), response.lastMonth()}) {
      assertTrue(n == null || n >= 0, response.toString());
    }
  }

  private static void assertNamesWhere(InvalidResponseException e) {
    FuzzChecks.assertShowable(e.getMessage());
    assertFalse(e.path().isEmpty(), e.getMessage());
    assertTrue(e.getMessage().startsWith(e.path() + ": "), e.getMessage());
  }
}

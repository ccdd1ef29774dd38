package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.events.Samples;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

  @Test
  void downloadHeadersCarryEveryAttribute() {
    Headers h = CloudEventHeaders.forDownload(Samples.download("pip", "2026-04-01", 123));
    assertEquals("1.0", CloudEventHeaders.text(h, "ce_specversion"));
    // Same value as Python's uuid.uuid5(uuid.uuid5(NAMESPACE_URL, "https://pypiwatch.dev/"), name).
    assertEquals("02e72460-f351-5c6c-a252-cc6d868e8294", CloudEventHeaders.text(h, "ce_id"));
    assertEquals("/pypiwatch/poller", CloudEventHeaders.text(h, "ce_source"));
    assertEquals("dev.pypiwatch.download.v1", CloudEventHeaders.text(h, "ce_type"));
    assertEquals("2026-04-02T02:00:03.120Z", CloudEventHeaders.text(h, "ce_time"));
    assertEquals("pip", CloudEventHeaders.text(h, "ce_subject"));
    assertEquals("application/json", CloudEventHeaders.text(h, "content-type"));
    assertEquals(7, h.toArray().length);
  }

  @Test
  void idDependsOnTheFactOnly() {
    DownloadObservation a = Samples.download("pip", "2026-04-01", 123);
    DownloadObservation refetched = new DownloadObservation(a.record(), a.origin(), null,
        Instant.parse("2026-04-03T00:00:00Z"), "https://elsewhere");
    assertEquals(Ids.downloadId(a), Ids.downloadId(refetched));
    assertNotEquals(Ids.downloadId(a), Ids.downloadId(Samples.download("pip", "2026-04-01", 124)));
    assertNotEquals(Ids.downloadId(a), Ids.downloadId(Samples.download("pip", "2026-04-02", 123)));
  }

  @Test
  void recentHeaders() {
    RecentObservation r = Samples.recent("pip", 1L, 2L, 3L);
    Headers h = CloudEventHeaders.forRecent(r);
    assertEquals("dev.pypiwatch.recent.v1", CloudEventHeaders.text(h, "ce_type"));
    assertEquals(Ids.recentId(r), CloudEventHeaders.text(h, "ce_id"));
    assertEquals(Ids.recentId(r), Ids.recentId(Samples.recent("pip", 1L, 2L, 3L)));
    assertNotEquals(Ids.recentId(r), Ids.recentId(Samples.recent("pip", 1L, 2L, 4L)));
    assertEquals('5', Ids.recentId(r).charAt(14)); // UUID version 5
  }
}

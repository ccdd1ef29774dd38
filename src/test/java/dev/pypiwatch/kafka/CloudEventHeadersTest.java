package dev.pypiwatch.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.CompactRecord;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.EventDecodingException;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.events.Samples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
    // And the record again in a few bytes, for the stages that read every event.
    assertArrayEquals(CompactRecord.encode(Samples.download("pip", "2026-04-01", 123).record()),
        h.lastHeader(CloudEventHeaders.RECORD).value());
    assertEquals(8, h.toArray().length);
  }

  @Test
  void downloadRecordIsReadFromItsCompactHeaderElseFromItsJson() {
    DownloadObservation o = Samples.download("pip", "2026-04-01", 123);
    byte[] json = EventCodec.encode(o);
    ConsumerRecord<String, byte[]> both = record(json, CloudEventHeaders.forDownload(o));
    assertEquals(o.record(), CloudEventHeaders.downloadRecord(both));

    // The header is what the stage reads when both are there: a record whose JSON says another
    // count is read by its header (the poller writes both from one observation).
    ConsumerRecord<String, byte[]> other = record(EventCodec.encode(Samples.download("pip", "2026-04-01", 9)),
        CloudEventHeaders.forDownload(o));
    assertEquals(123, CloudEventHeaders.downloadRecord(other).downloads());

    ConsumerRecord<String, byte[]> jsonOnly = record(json, new RecordHeaders());
    assertEquals(o.record(), CloudEventHeaders.downloadRecord(jsonOnly));

    RecordHeaders garbled = new RecordHeaders();
    garbled.add(CloudEventHeaders.RECORD, new byte[] {1, 9, 9});
    assertEquals(o.record(), CloudEventHeaders.downloadRecord(record(json, garbled)));

    // Without a usable header, the JSON's errors are the record's.
    EventDecodingException e = assertThrows(EventDecodingException.class,
        () -> CloudEventHeaders.downloadRecord(record("{\"schema\":1}".getBytes(StandardCharsets.UTF_8), garbled)));
    assertTrue(e.getMessage().contains("schema"), e.getMessage());
  }

  private static ConsumerRecord<String, byte[]> record(byte[] value, Headers headers) {
    ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("pypiwatch.downloads", 0, 0L, "pip", value);
    for (Header h : headers) {
      r.headers().add(h);
    }
    return r;
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

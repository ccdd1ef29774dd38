package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactRecordTest {
  private static final DownloadRecord PIP =
      new DownloadRecord("pip", Endpoint.PYTHON_MINOR, "3.12", LocalDate.parse("2026-04-01"), 300);

  @Test
  void layoutIsAsDocumented() {
    byte[] expected = {1, 3, 3, 'p', 'i', 'p', 4, '3', '.', '1', '2',
        // 2026-04-01 is day 20,544 = 0b1_0100000_1000000: 7-bit groups, low first, high bit = more
        (byte) 0xC0, (byte) 0xA0, 0x01,
        // 300 = 0b10_0101100
        (byte) 0xAC, 0x02};
    assertEquals(20_544, PIP.date().toEpochDay());
    assertArrayEquals(expected, CompactRecord.encode(PIP));
  }

  @Test
  void recordsOfEveryShapeRoundTrip() {
    Random random = new Random(15);
    Endpoint[] series = {Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM};
    long lastDay = LocalDate.of(9999, 12, 31).toEpochDay();
    long[] edgeDays = {0, 1, 127, 128, 16_383, 16_384, lastDay};
    long[] edgeCounts = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE};
    for (int k = 0; k < 20_000; k++) {
      long day = k < edgeDays.length ? edgeDays[k] : random.nextLong(lastDay + 1);
      long downloads = k < edgeCounts.length ? edgeCounts[k] : (random.nextLong() & Long.MAX_VALUE) >>> random.nextInt(63);
      String pkg = k == 0 ? "" : "p".repeat(k == 1 ? 255 : 1 + random.nextInt(30));
      DownloadRecord r = new DownloadRecord(pkg, series[random.nextInt(series.length)],
          random.nextBoolean() ? "3." + random.nextInt(20) : Categories.UNKNOWN, LocalDate.ofEpochDay(day), downloads);
      byte[] compact = CompactRecord.encode(r);
      assertNotNull(compact, r::toString);
      assertEquals(r, CompactRecord.decode(compact));
    }
  }

  @Test
  void recordsWithoutACompactFormAreLeftToTheirJson() {
    assertNull(CompactRecord.encode(withPackage("p".repeat(256))));
    assertNull(CompactRecord.encode(withPackage("café")));
    assertNull(CompactRecord.encode(withPackage("tab\there")));
    assertNull(CompactRecord.encode(new DownloadRecord("pip", Endpoint.OVERALL, "with_mirrors", LocalDate.parse("1969-12-31"), 1)));
  }

  @Test
  void anythingElseDecodesToNull() {
    byte[] good = CompactRecord.encode(PIP);
    assertNull(CompactRecord.decode(null));
    assertNull(CompactRecord.decode(new byte[0]));
    for (int n = 0; n < good.length; n++) {
      assertNull(CompactRecord.decode(Arrays.copyOf(good, n)), "truncated to " + n);
    }
    assertNull(CompactRecord.decode(Arrays.copyOf(good, good.length + 1)), "a byte after");
    assertNull(CompactRecord.decode(with(good, 0, 2)), "another version");
    assertNull(CompactRecord.decode(with(good, 1, 0)), "endpoint code 0 (recent has none)");
    assertNull(CompactRecord.decode(with(good, 1, 5)), "endpoint code 5");
    assertNull(CompactRecord.decode(with(good, 4, 0x1F)), "a control character in the package");
    assertNull(CompactRecord.decode(with(good, 4, 0x7F)), "DEL in the package");
    assertNull(CompactRecord.decode(with(good, 8, 0xC3)), "a byte beyond ASCII in the category");
    byte[] tooLong = {1, 1, 1, 'a', 1, 'b', -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 0};
    assertNull(CompactRecord.decode(tooLong), "a varint of ten bytes");
    byte[] farDay = {1, 1, 1, 'a', 1, 'b', -1, -1, -1, 1, 0}; // day 4,194,303: after 9999-12-31
    assertNull(CompactRecord.decode(farDay));
  }

  @Test
  void mutatedCompactRecordsDecodeToNullOrAValidRecordNeverThrow() {
    Random random = new Random(503);
    byte[] good = CompactRecord.encode(PIP);
    int records = 0;
    for (int k = 0; k < 100_000; k++) {
      byte[] b = k % 2 == 0 ? good.clone() : new byte[random.nextInt(24)];
      if (k % 2 == 0) {
        for (int m = random.nextInt(3); m >= 0; m--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
      } else {
        random.nextBytes(b);
      }
      DownloadRecord r = CompactRecord.decode(b); // a valid record (its constructor checked it) or null
      if (r != null) {
        records++;
        assertEquals(r, CompactRecord.decode(CompactRecord.encode(r)));
      }
    }
    assertEquals(true, records > 1_000, "some mutations are records too: " + records);
  }

  @Test
  void namesAreTheSameStringsAsTheJsonFastPathGives() {
    DownloadRecord viaJson = EventCodec.decodeRecord(EventCodec.encode(Samples.download("pip", "2026-04-01", 1)));
    DownloadRecord viaCompact = CompactRecord.decode(CompactRecord.encode(viaJson));
    // One name table for both readers: the rules' maps see one string per package.
    assertEquals(true, viaJson.packageName() == viaCompact.packageName());
    assertEquals("pip", new String(CompactRecord.encode(viaJson), 3, 3, UTF_8));
  }

  private static DownloadRecord withPackage(String pkg) {
    return new DownloadRecord(pkg, Endpoint.OVERALL, "with_mirrors", LocalDate.parse("2026-04-01"), 1);
  }

  private static byte[] with(byte[] b, int at, int value) {
    byte[] c = b.clone();
    c[at] = (byte) value;
    return c;
  }
}

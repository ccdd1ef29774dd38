package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.*;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rule stage's changelog value: a round trip gives the same state, bad bytes a clear error,
 * and an engine restored from it continues exactly as the one that never stopped.
 */
class RuleStateCodecTest {
  private static final String REFERENCE = RulesConfig.DEFAULTS.global().drop().referencePackage();

  @Test
  void aStateRoundTripsAndRestoresTheSameState() {
    RealSeries s = RealSeries.loadAll().get(0);
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    for (int i = 0; i < s.size(); i++) {
      SeriesReplay.record(engine, s, i);
      engine.evaluateThrough(s.pkg(), s.date(i));
    }
    PackageState state = engine.exportState(s.pkg()).orElseThrow();
    assertFalse(state.series().isEmpty());
    assertNotNull(state.evaluatedThrough());

    byte[] bytes = RuleStateCodec.encode(state);
    assertEquals(state, RuleStateCodec.decode(bytes));
    RuleEngine restored = new RuleEngine(RulesConfig.DEFAULTS);
    restored.importState(s.pkg(), RuleStateCodec.decode(bytes));
    assertEquals(state, restored.exportState(s.pkg()).orElseThrow());
    assertEquals(engine.evaluatedThrough(s.pkg()), restored.evaluatedThrough(s.pkg()));
  }

  @Test
  void extremeValuesAndEmptySeriesRoundTrip() {
    PackageState state = new PackageState(LocalDate.of(2026, 12, 5), Long.MAX_VALUE, true, Integer.MIN_VALUE + 1,
        Integer.MAX_VALUE, List.of(
            new PackageState.Series(Endpoint.OVERALL, Categories.WITH_MIRRORS, 20_000,
                new long[] {Long.MAX_VALUE, -1, 0, 3_000_000_000L, -1, -1, 7}),
            new PackageState.Series(Endpoint.SYSTEM, "ünïcode", 0, new long[0])));
    assertEquals(state, RuleStateCodec.decode(RuleStateCodec.encode(state)));
    PackageState none = new PackageState(null, null, false, Integer.MAX_VALUE, Integer.MIN_VALUE, List.of());
    assertEquals(none, RuleStateCodec.decode(RuleStateCodec.encode(none)));
    assertEquals(12_345_678_901L, RuleStateCodec.decodeCheckpoint(RuleStateCodec.encodeCheckpoint(12_345_678_901L)));
  }

  @Test
  void corruptTruncatedOrUnknownBytesFailWithAClearError() {
    byte[] good = RuleStateCodec.encode(new PackageState(LocalDate.of(2026, 1, 1), 1000L, false, 20_000, 19_990,
        List.of(new PackageState.Series(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, 20_000, new long[] {5, 6, 7}))));

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    assertMessage("rule state: checksum mismatch", () -> RuleStateCodec.decode(flipped));
    assertMessage("rule state: checksum mismatch", () -> RuleStateCodec.decode(Arrays.copyOf(good, good.length - 3)));
    assertMessage("rule state: truncated, 2 bytes", () -> RuleStateCodec.decode(new byte[] {1, 0}));
    assertMessage("rule state: no value", () -> RuleStateCodec.decode(null));
    byte[] future = good.clone();
    future[0] = 9;
    assertMessage("rule state: unknown version 9 (this pypiwatch reads 1)", () -> RuleStateCodec.decode(future));
    assertMessage("rule state checkpoint: unknown version", () -> RuleStateCodec.decodeCheckpoint(future));
  }

  /**
   * Real series with the ecosystem reference, cut at several days: an engine restored there from
   * the changelog values (and the last transitions, as the stage restores them from the alerts
   * topic) gives the same alerts afterwards as the engine that went on, and ends in the same state.
   */
  @Test
  void anEngineRestoredFromItsStatesContinuesAsTheUninterruptedOne() {
    List<RealSeries> all = RealSeries.loadAll();
    List<RealSeries> series = all.subList(0, Math.min(8, all.size()));
    int days = series.stream().mapToInt(RealSeries::size).max().orElseThrow();
    LocalDate first = series.stream().map(RealSeries::first).min(LocalDate::compareTo).orElseThrow();
    int compared = 0;
    for (int cut = 40; cut < days - 10; cut += 45) {
      RuleEngine going = new RuleEngine(RulesConfig.DEFAULTS);
      List<DownloadRecord> referenceRecords = new ArrayList<>();
      Map<String, Alert> last = new LinkedHashMap<>();
      RuleEngine restored = null;
      List<Alert> expected = new ArrayList<>();
      List<Alert> got = new ArrayList<>();
      for (int day = 0; day < days; day++) {
        LocalDate date = first.plusDays(day);
        if (day == cut) {
          restored = new RuleEngine(RulesConfig.DEFAULTS);
          referenceRecords.forEach(restored::record); // every instance reads the reference whole
          for (String pkg : going.packages()) {
            restored.importState(pkg, RuleStateCodec.decode(RuleStateCodec.encode(going.exportState(pkg).orElseThrow())));
          }
          restored.restore(last.values());
        }
        for (RuleEngine e : restored == null ? List.of(going) : List.of(going, restored)) {
          step(e, series, date, referenceRecords, e == going);
        }
        for (RealSeries s : series) {
          for (String pkg : List.of(s.pkg(), REFERENCE)) {
            List<Alert> a = going.evaluateThrough(pkg, date);
            a.forEach(x -> last.put(x.fingerprint(), x));
            if (restored != null) {
              expected.addAll(a);
              got.addAll(restored.evaluateThrough(pkg, date));
            }
          }
        }
      }
      assertEquals(expected, got, "alerts after a restore on day " + cut);
      for (String pkg : going.packages()) {
        assertEquals(going.exportState(pkg), restored.exportState(pkg), pkg + " after a restore on day " + cut);
      }
      compared += expected.size();
    }
    assertTrue(compared > 0, "no alert compared: the series fire nothing after the cuts");
  }

  /** Records {@code date}'s counts of every series and its share of the reference (a sum). */
  private static void step(RuleEngine e, List<RealSeries> series, LocalDate date, List<DownloadRecord> reference,
      boolean keep) {
    long total = 0;
    for (RealSeries s : series) {
      long i = date.toEpochDay() - s.first().toEpochDay();
      if (i >= 0 && i < s.size()) {
        SeriesReplay.record(e, s, (int) i);
        total += Math.max(0, s.total((int) i));
      }
    }
    DownloadRecord ref = new DownloadRecord(REFERENCE, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, date,
        50_000_000 + total);
    e.record(ref);
    if (keep) {
      reference.add(ref);
    }
  }

  private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}

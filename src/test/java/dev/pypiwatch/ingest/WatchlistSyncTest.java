package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.EventDecodingException;
import dev.pypiwatch.testing.EventSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The watchlist topic's rule (who adds, who removes) and its entries' JSON. */
class WatchlistSyncTest {
  private static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");
  private static final Instant EARLIER = Instant.parse("2026-12-01T09:00:00Z");

  @Test
  void anInstanceAddsWhatTheTopicLacksAndNothingElse() {
    Map<String, WatchlistEntry> current = Map.of("numpy", new WatchlistEntry("numpy", "b", EARLIER));
    Map<String, WatchlistEntry> writes = WatchlistSync.plan("a", List.of("numpy", "requests"), current, NOW);
    assertEquals(Map.of("requests", new WatchlistEntry("requests", "a", NOW)), writes,
        "numpy is listed already (by b): not written again");
  }

  @Test
  void aRestartWithTheSameWatchlistWritesNothing() {
    Map<String, WatchlistEntry> current = Map.of("numpy", new WatchlistEntry("numpy", "a", EARLIER),
        "requests", new WatchlistEntry("requests", "b", EARLIER));
    assertEquals(Map.of(), WatchlistSync.plan("a", List.of("requests", "numpy"), current, NOW));
  }

  @Test
  void anInstanceRemovesOnlyWhatItListedItself() {
    Map<String, WatchlistEntry> current = Map.of("numpy", new WatchlistEntry("numpy", "a", EARLIER),
        "requests", new WatchlistEntry("requests", "b", EARLIER));
    Map<String, WatchlistEntry> writes = WatchlistSync.plan("a", List.of(), current, NOW);
    Map<String, WatchlistEntry> tombstone = new HashMap<>();
    tombstone.put("numpy", null);
    assertEquals(tombstone, writes, "requests is b's: a does not remove it");
  }

  @Test
  void recordsApplyInOrderAndATombstoneRemoves() {
    Map<String, WatchlistEntry> entries = new HashMap<>();
    WatchlistSync.apply(entries, "numpy", new WatchlistEntry("numpy", "a", NOW).encode(), "t", 0, 0);
    WatchlistSync.apply(entries, "scipy", new WatchlistEntry("scipy", "a", NOW).encode(), "t", 0, 1);
    WatchlistSync.apply(entries, "numpy", null, "t", 0, 2);
    WatchlistSync.apply(entries, "bad", "{}".getBytes(StandardCharsets.UTF_8), "t", 0, 3);
    assertEquals(Map.of("scipy", new WatchlistEntry("scipy", "a", NOW)), entries, "undecodable entries skipped");
  }

  @Test
  void anEntryRoundTripsAndMatchesItsSchema() {
    WatchlistEntry entry = new WatchlistEntry("typing-extensions", "poller-eu-1", NOW);
    byte[] json = entry.encode();
    assertEquals(entry, WatchlistEntry.decode("typing-extensions", json));
    assertEquals(List.of(), EventSchemas.errors("watchlist-entry.schema.json", new String(json, StandardCharsets.UTF_8)));
  }

  @Test
  void aBadEntryIsRejectedNamingTheField() {
    byte[] otherKey = new WatchlistEntry("numpy", "a", NOW).encode();
    EventDecodingException e = assertThrows(EventDecodingException.class, () -> WatchlistEntry.decode("scipy", otherKey));
    assertTrue(e.getMessage().contains("package"), e.getMessage());
    byte[] notNormalized = "{\"schema\":\"pypiwatch.watchlist-entry/1\",\"package\":\"NumPy\",\"listed_by\":\"a\",\"listed_at\":\"2026-12-07T15:00:00Z\"}"
        .getBytes(StandardCharsets.UTF_8);
    e = assertThrows(EventDecodingException.class, () -> WatchlistEntry.decode("NumPy", notNormalized));
    assertTrue(e.getMessage().contains("normalized"), e.getMessage());
    byte[] badTime = "{\"schema\":\"pypiwatch.watchlist-entry/1\",\"package\":\"numpy\",\"listed_by\":\"a\",\"listed_at\":\"yesterday\"}"
        .getBytes(StandardCharsets.UTF_8);
    e = assertThrows(EventDecodingException.class, () -> WatchlistEntry.decode("numpy", badTime));
    assertTrue(e.getMessage().contains("listed_at"), e.getMessage());
    assertTrue(!EventSchemas.errors("watchlist-entry.schema.json", new String(badTime, StandardCharsets.UTF_8)).isEmpty());
  }
}

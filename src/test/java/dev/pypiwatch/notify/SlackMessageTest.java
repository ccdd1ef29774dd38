package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlackMessageTest {
  static final LocalDate DAY = LocalDate.parse("2026-04-03"); // a Friday
  static final Alert PIP_SPIKE = new Alert("pip/spike/overall/without_mirrors", "pip", "spike",
      "overall", "without_mirrors", DAY, AlertState.FIRING, Severity.WARNING, 3412000.0, 1100000.0,
      7.2, "pip: downloads spiked to 3,412,000 on 2026-04-03 (Fri), 3.1x the usual Friday",
      Alert.linkOf("pip"));
  static final Alert NUMPY_RESOLVED = new Alert("numpy/drop/overall/without_mirrors", "numpy",
      "drop", "overall", "without_mirrors", DAY, AlertState.RESOLVED, Severity.CRITICAL, 900000,
      1000000, 1.1, "numpy: downloads are back to the usual", Alert.linkOf("numpy"));
  static final Alert LLM_SHIFT = new Alert("llm/python-shift/python_minor/3.13", "llm",
      "python-shift", "python_minor", "3.13", DAY.minusDays(2), AlertState.FIRING,
      Severity.INFO, 40.1, 22.75, 4.0, "llm: Python 3.13 share rose to 40.1% (from 22.8%)",
      Alert.linkOf("llm"));

  private static final ObjectMapper JSON = new ObjectMapper();

  static Notification alerts(Notification.Kind kind, List<Alert> alerts,
      Map<String, RecentSeries> series) {
    return new Notification("n-1", "team", kind, DAY, alerts, series, List.of());
  }

  static RecentSeries series(String pkg, long... daily) {
    return new RecentSeries(pkg, DAY, daily);
  }

  private static List<JsonNode> blocks(ObjectNode message) {
    List<JsonNode> out = new ArrayList<>();
    message.get("blocks").forEach(out::add);
    return out;
  }

  private static String text(JsonNode block) {
    return block.get("type").asText().equals("context")
        ? block.get("elements").get(0).get("text").asText() : block.get("text").get("text").asText();
  }

  /** Every string value in the message. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    }
    node.forEach(child -> out.addAll(strings(child)));
    return out;
  }

  /** Slack's limits, and every mrkdwn '<' opening one of our https links. */
  private static void assertWithinSlackRules(ObjectNode message) {
    List<JsonNode> blocks = blocks(message);
    assertTrue(blocks.size() <= SlackMessage.MAX_BLOCKS, blocks.size() + " blocks");
    assertTrue(message.get("text").asText().length() <= SlackMessage.MAX_TEXT);
    for (JsonNode b : blocks) {
      String t = text(b);
      int max = b.get("type").asText().equals("header") ? SlackMessage.MAX_HEADER : SlackMessage.MAX_TEXT;
      assertTrue(t.length() <= max, b.get("type") + " of " + t.length() + " chars");
      for (int i = t.indexOf('<'); i >= 0; i = t.indexOf('<', i + 1)) {
        assertTrue(t.startsWith("<https://", i), "raw '<' at " + i + " in " + t);
      }
      Matcher broken = Pattern.compile("&(?!amp;|lt;|gt;)").matcher(t);
      assertFalse(broken.find(), "a cut or unescaped entity in " + t);
    }
  }

  @Test
  void oneFiringAlert() {
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(PIP_SPIKE),
        Map.of("pip", series("pip", 1000, 1100, 3412000))));
    List<JsonNode> blocks = blocks(m);
    assertEquals(List.of("header", "section", "context"),
        blocks.stream().map(b -> b.get("type").asText()).toList());
    assertEquals(PIP_SPIKE.summary(), text(blocks.get(0)), "one alert: its summary is the header");
    assertEquals("plain_text", blocks.get(0).get("text").get("type").asText());
    assertEquals(":warning: *Firing* on 2026-04-03 (Fri) · warning · "
        + "*<https://pypistats.org/packages/pip|pip>* · spike on overall/without_mirrors\n"
        + PIP_SPIKE.summary() + "\n"
        + "Observed *3,412,000* vs expected *1,100,000* · score 7.2", text(blocks.get(1)));
    assertEquals("mrkdwn", blocks.get(1).get("text").get("type").asText());
    assertEquals(PIP_SPIKE.summary(), m.get("text").asText());
    assertFalse(m.get("unfurl_links").asBoolean());
    assertWithinSlackRules(m);
  }

  static final Alert PIP_EXPLAINED = PIP_SPIKE.withContext(new dev.pypiwatch.events.AlertContext(-0.04, 0.125,
      2000L, "about 1 day in 2,000 for this package", "Friday", "easter",
      new dev.pypiwatch.events.Release("24.1", java.time.Instant.parse("2026-04-02T14:03:11Z"))));

  @Test
  void aFiringAlertSaysWhyItIsProbablyHappening() {
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(PIP_EXPLAINED), Map.of()));
    assertTrue(text(blocks(m).get(1)).endsWith("Observed *3,412,000* vs expected *1,100,000* · score 7.2\n"
        + "Unusual: about 1 day in 2,000 for this package\n"
        + "Day: Friday, in the holiday period 'easter' (the ecosystem downloads less)\n"
        + "Ecosystem: -4.0% against its usual Friday\n"
        + "Mirrors: 12.5% of the day's downloads\n"
        + "Release: 24.1, uploaded 2026-04-02 14:03 UTC, the day before"), text(blocks(m).get(1)));
    assertWithinSlackRules(m);
  }

  @Test
  void severalAlertsResolvedAndSharesInPercent() {
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS,
        List.of(PIP_SPIKE, NUMPY_RESOLVED, LLM_SHIFT), Map.of()));
    List<JsonNode> blocks = blocks(m);
    assertEquals("pypiwatch: 3 alerts (2 firing, 1 resolved)", text(blocks.get(0)));
    assertEquals(4, blocks.size(), "no series, no charts");
    assertTrue(text(blocks.get(2)).startsWith(
        ":white_check_mark: *Resolved* on 2026-04-03 (Fri) · was critical · "), text(blocks.get(2)));
    assertTrue(text(blocks.get(3)).startsWith(":information_source: *Firing* on 2026-04-01 (Wed)"));
    assertTrue(text(blocks.get(3)).endsWith("Observed *40.1%* vs expected *22.8%* · score 4.0"),
        text(blocks.get(3)));
    assertTrue(m.get("text").asText().startsWith("pypiwatch: 3 alerts (2 firing, 1 resolved): "
        + PIP_SPIKE.summary() + "; " + NUMPY_RESOLVED.summary()));
    assertWithinSlackRules(m);
  }

  @Test
  void reminderSaysStillFiringSince() {
    ObjectNode one = SlackMessage.render(alerts(Notification.Kind.REMINDER, List.of(LLM_SHIFT),
        Map.of()));
    assertEquals("Still firing: " + LLM_SHIFT.summary(), text(blocks(one).get(0)));
    assertTrue(text(blocks(one).get(1)).startsWith(
        ":information_source: *Still firing* since 2026-04-01 (Wed) · info · "));
    ObjectNode two = SlackMessage.render(alerts(Notification.Kind.REMINDER,
        List.of(PIP_SPIKE, LLM_SHIFT), Map.of()));
    assertEquals("pypiwatch: 2 alerts still firing", text(blocks(two).get(0)));
    assertTrue(text(blocks(two).get(1)).contains("*Still firing* since 2026-04-03 (Fri)"));
  }

  @Test
  void dataIsEscapedEverywhere() {
    String pkg = "evil<script>&*_~x";
    Alert evil = new Alert("f", pkg, "spike<b>", "overall", "<!here>", DAY, AlertState.FIRING,
        Severity.CRITICAL, 1, 2, 3, "<!channel> <script>alert(1)</script> & <https://x.test|click>",
        Alert.linkOf(pkg));
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(evil, PIP_SPIKE),
        Map.of()));
    for (String s : strings(m)) {
      assertFalse(s.contains("<script") || s.contains("<!") || s.contains("<https://x.test"), s);
    }
    String section = text(blocks(m).get(1));
    assertTrue(section.contains("&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        + "&lt;https://x.test|click&gt;"), section);
    // In bold, '*', '_' and '~' are look-alikes that cannot end the bold.
    assertTrue(section.contains("|evil&lt;script&gt;&amp;∗ˍ∼x>*"), section);
    assertTrue(section.contains("spike&lt;b&gt; on overall/&lt;!here&gt;"), section);
    ObjectNode single = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(evil), Map.of()));
    assertTrue(text(blocks(single).get(0)).startsWith("&lt;!channel&gt; &lt;script&gt;"));
    assertTrue(single.get("text").asText().startsWith("&lt;!channel&gt;"));
    assertWithinSlackRules(m);
    assertWithinSlackRules(single);
  }

  @Test
  void sparklineScalesFromZeroMarksTheAlertDayAndShowsGaps() {
    RecentSeries s = series("pip", 0, 50, 100, -1, 100);
    assertEquals("▁▅█·[█]", SlackMessage.sparkline(s, DAY, 30));
    assertEquals("▁▅[█]·█", SlackMessage.sparkline(s, DAY.minusDays(2), 30));
    assertEquals("█·█", SlackMessage.sparkline(s, DAY.minusDays(10), 3), "last 3 days, no mark");
    assertEquals("▁[▁]", SlackMessage.sparkline(series("x", 0, 0), DAY, 30), "all zero");
  }

  @Test
  void chartShowsTheLastThirtyDays() {
    long[] daily = IntStream.range(0, 40).mapToLong(i -> i == 39 ? 8000 : 1000).toArray();
    daily[35] = -1;
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(PIP_SPIKE),
        Map.of("pip", series("pip", daily))));
    String chart = text(blocks(m).get(2));
    // 1,000 of 8,000 is an eighth: the second-lowest bar.
    assertEquals("`" + "▂".repeat(25) + "·▂▂▂[█]` downloads a day, 2026-03-05 to 2026-04-03 "
        + "(max 8,000); [ ] 2026-04-03; · no data", chart);
  }

  @Test
  void manyAlertsStayWithinFiftyBlocks() {
    List<Alert> many = new ArrayList<>();
    Map<String, RecentSeries> series = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      String pkg = "pkg-" + i;
      many.add(new Alert("f" + i, pkg, "spike", "overall", "without_mirrors", DAY,
          AlertState.FIRING, Severity.WARNING, 10, 1, 9, pkg + ": downloads spiked", Alert.linkOf(pkg)));
      series.put(pkg, series(pkg, 1, 2, 10));
    }
    ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, many, series));
    List<JsonNode> blocks = blocks(m);
    assertEquals(SlackMessage.MAX_BLOCKS, blocks.size());
    assertEquals("pypiwatch: 1000 alerts (firing)", text(blocks.get(0)));
    int sections = 24; // (50 - header - overflow) / (section + chart)
    assertTrue(text(blocks.get(2 * sections - 1)).contains("pkg-23: downloads spiked"));
    String overflow = text(blocks.get(blocks.size() - 1));
    assertTrue(overflow.startsWith("*976 more alerts:*\n• :warning: pkg-24: downloads spiked\n"),
        overflow);
    long listed = overflow.lines().filter(l -> l.startsWith("• ")).count();
    Matcher more = Pattern.compile("… and (\\d+) more$").matcher(overflow);
    assertTrue(more.find(), overflow);
    assertEquals(976, listed + Integer.parseInt(more.group(1)));
    assertWithinSlackRules(m);
  }

  @Test
  void longTextsAreCutWithinLimitsNotInsideEntities() {
    String huge = "pip: " + "&<>".repeat(4000);
    Alert a = new Alert("f", "pip", "spike", "overall", "without_mirrors", DAY, AlertState.FIRING,
        Severity.WARNING, 1, 1, 1, huge, Alert.linkOf("pip"));
    for (int extra = 0; extra < 6; extra++) { // every position of the cut within an entity
      Alert shifted = new Alert("f", "pip", "spike", "overall", "without_mirrors", DAY,
          AlertState.FIRING, Severity.WARNING, 1, 1, 1, "x".repeat(extra) + huge, Alert.linkOf("pip"));
      ObjectNode m = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(shifted, a), Map.of()));
      assertWithinSlackRules(m);
      ObjectNode single = SlackMessage.render(alerts(Notification.Kind.ALERTS, List.of(shifted), Map.of()));
      assertWithinSlackRules(single);
      assertTrue(text(blocks(single).get(0)).endsWith("…"));
      assertTrue(text(blocks(single).get(1)).contains("…\nObserved"), "numbers survive the cut");
    }
  }

  @Test
  void digestHasOneLinePerPackage() {
    Notification n = new Notification("d-1", "team", Notification.Kind.DIGEST, DAY, List.of(),
        Map.of(), List.of(new DigestLine("pip", 3412000, 21000000, 0.042, 2),
            new DigestLine("llm", -1, 5000, Double.NaN, 0),
            new DigestLine("numpy", 10, 70, -0.5, 1)));
    ObjectNode m = SlackMessage.render(n);
    List<JsonNode> blocks = blocks(m);
    assertEquals("pypiwatch digest, 2026-04-03 (Fri)", text(blocks.get(0)));
    assertEquals("3 watched packages · 3 alerts firing · downloads without mirrors, week = the 7 days"
        + " to 2026-04-03", text(blocks.get(1)));
    assertEquals(List.of(
        "*<https://pypistats.org/packages/pip|pip>* · 3,412,000 on the day · 21,000,000 in the week"
            + " (+4.2% on the week before) · :rotating_light: 2 alerts firing",
        "*<https://pypistats.org/packages/llm|llm>* · n/a on the day · 5,000 in the week",
        "*<https://pypistats.org/packages/numpy|numpy>* · 10 on the day · 70 in the week"
            + " (-50.0% on the week before) · :rotating_light: 1 alert firing"),
        text(blocks.get(2)).lines().toList());
    assertEquals("pypiwatch digest, 2026-04-03: 3 watched packages, 3 alerts firing",
        m.get("text").asText());
    assertWithinSlackRules(m);
  }

  @Test
  void bigDigestIsChunkedAndTruncated() {
    List<DigestLine> lines = IntStream.range(0, 5000)
        .mapToObj(i -> new DigestLine("package-number-" + i, 123456, 864197, 0.123, i % 2))
        .toList();
    ObjectNode m = SlackMessage.render(new Notification("d", "team", Notification.Kind.DIGEST, DAY,
        List.of(), Map.of(), lines));
    List<JsonNode> blocks = blocks(m);
    assertEquals(SlackMessage.MAX_BLOCKS, blocks.size());
    long shown = blocks.stream().skip(2).flatMap(b -> text(b).lines())
        .filter(l -> l.startsWith("*<https://")).count();
    String last = text(blocks.get(blocks.size() - 1));
    Matcher more = Pattern.compile("… and (\\d+) more packages$").matcher(last);
    assertTrue(more.find(), last);
    assertEquals(5000, shown + Integer.parseInt(more.group(1)));
    assertTrue(text(blocks.get(2)).startsWith("*<https://pypistats.org/packages/package-number-0|"));
    assertWithinSlackRules(m);
  }

  @Test
  void packFillsChunksAndCountsWhatIsLeftOut() {
    List<String> lines = List.of("aaaa", "bbbb", "cccc", "dddd", "eeee");
    assertEquals(List.of("aaaa\nbbbb", "cccc\ndddd", "eeee"),
        SlackMessage.pack(lines, 3, 9, n -> "+" + n));
    assertEquals(List.of("aaaa\nbbbb", "cccc\n+2"), SlackMessage.pack(lines, 2, 9, n -> "+" + n));
    assertEquals(List.of("+5"), SlackMessage.pack(lines, 1, 4, n -> "+" + n));
  }

  @Test
  void encodeWritesTheRenderedJson() throws IOException {
    Notification n = alerts(Notification.Kind.ALERTS, List.of(PIP_SPIKE), Map.of());
    assertEquals(SlackMessage.render(n), JSON.readTree(SlackMessage.encode(n)));
  }
}

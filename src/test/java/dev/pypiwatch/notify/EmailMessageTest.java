package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Severity;
import java.awt.image.BufferedImage;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EmailMessageTest {
  static final LocalDate DAY = LocalDate.of(2026, 11, 24);

  @Test
  void oneFiringAlert() {
    Alert spike = spike("requests", 3_412_000, 1_066_000, 12.34);
    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(spike),
        Map.of("requests", SeriesChartTest.weekly(90))));

    assertEquals("[pypiwatch] spike: requests downloads spiked to 3,412,000 on 2026-11-24 (Tue),"
        + " 3.2x the usual Tuesday (1,066,000)", m.subject());
    assertTrue(m.text().startsWith("pypiwatch reports 1 alert for requests on 2026-11-24.\n"),
        m.text());
    assertTrue(m.text().contains("""
        requests
        --------

          CRITICAL spike, firing since 2026-11-24
          requests: downloads spiked to 3,412,000 on 2026-11-24 (Tue), 3.2x the usual Tuesday \
        (1,066,000)
          Observed 3,412,000 vs expected 1,066,000, score 12.3
          Series: overall / without_mirrors
          https://pypistats.org/packages/requests
        """), m.text());
    assertTrue(m.text().contains("receiver ops (notification n-1)"), m.text());
    for (String cell : List.of("<th style=\"text-align:left;padding:1px 12px 1px 0;"
        + "font-weight:normal;color:#555\">Observed</th><td>3,412,000</td>",
        ">Expected</th><td>1,066,000</td>", ">Score</th><td>12.3</td>",
        ">Severity</th><td>critical</td>", ">State</th><td>firing</td>",
        ">Series</th><td>overall / without_mirrors</td>",
        "<a href=\"https://pypistats.org/packages/requests\">pypistats.org page of requests</a>")) {
      assertTrue(m.html().contains(cell), cell + " not in " + m.html());
    }
  }

  @Test
  void aGroupCountsAlertsAndPackagesAndHasOneChartPerPackageWithASeries() {
    List<Alert> five = List.of(spike("requests", 3e6, 1e6, 12), drop("requests"),
        spike("numpy", 9e6, 3e6, 8), drop("numpy"), spike("tiny", 900, 100, 5));
    // tiny has no series: no chart for it.
    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, five, Map.of(
        "requests", SeriesChartTest.weekly(90), "numpy", SeriesChartTest.weekly(60))));

    assertEquals("[pypiwatch] 5 alerts for 3 packages (2026-11-24)", m.subject());
    assertTrue(m.text().startsWith("pypiwatch reports 5 alerts for 3 packages on 2026-11-24."));
    assertEquals(List.of("chart-1@pypiwatch", "chart-2@pypiwatch"),
        m.images().stream().map(EmailMessage.InlineImage::contentId).toList());
    assertEquals(List.of("chart-1@pypiwatch", "chart-2@pypiwatch"), cids(m.html()));
    // Sections in order of first mention, each chart in its package's section.
    int requests = m.html().indexOf(">requests</a></h2>");
    int numpy = m.html().indexOf(">numpy</a></h2>");
    int tiny = m.html().indexOf(">tiny</a></h2>");
    assertTrue(0 < requests && requests < m.html().indexOf("cid:chart-1")
        && m.html().indexOf("cid:chart-1") < numpy && numpy < m.html().indexOf("cid:chart-2")
        && m.html().indexOf("cid:chart-2") < tiny, m.html());
    for (EmailMessage.InlineImage i : m.images()) {
      BufferedImage img = SeriesChartTest.decode(i.png());
      assertEquals(EmailMessage.CHART_WIDTH, img.getWidth());
      assertEquals(EmailMessage.CHART_HEIGHT, img.getHeight());
    }
  }

  @Test
  void aFiringAlertSaysWhyInTextAndHtml() {
    Alert spike = spike("requests", 3_412_000, 1_066_000, 12.34).withContext(new dev.pypiwatch.events.AlertContext(
        0.01, null, 10_000L, "rarer than 1 day in 10,000 for this package", "Tuesday", null,
        new dev.pypiwatch.events.Release("2.33.0", java.time.Instant.parse("2026-11-23T17:45:00Z"))));
    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(spike), Map.of()));
    assertTrue(m.text().contains("  Unusual: rarer than 1 day in 10,000 for this package\n  Day: Tuesday\n"
        + "  Ecosystem: +1.0% against its usual Tuesday\n"
        + "  Release: 2.33.0, uploaded 2026-11-23 17:45 UTC, the day before\n"), m.text());
    assertTrue(m.html().contains(">Release</th><td>2.33.0, uploaded 2026-11-23 17:45 UTC, the day before</td>"),
        m.html());
    assertTrue(m.html().contains(">Unusual</th><td>rarer than 1 day in 10,000 for this package</td>"), m.html());
  }

  @Test
  void twoAlertsOfOnePackageNameIt() {
    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS,
        List.of(spike("requests", 3e6, 1e6, 12), drop("requests")), Map.of()));

    assertEquals("[pypiwatch] 2 alerts for requests (2026-11-24)", m.subject());
    assertEquals(List.of(), m.images());
    assertFalse(m.html().contains("<img"), m.html());
  }

  @Test
  void oneResolution() {
    Alert resolved = new Alert("fp-r", "requests", "spike", "overall", "without_mirrors", DAY,
        AlertState.RESOLVED, Severity.WARNING, 3e6, 1e6, 9,
        "requests: spike (overall without_mirrors) ended on 2026-11-24 (Tue); it started on "
            + "2026-11-20", Alert.linkOf("requests"));
    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(resolved),
        Map.of()));

    assertEquals("[pypiwatch] resolved: requests spike (overall without_mirrors) ended on "
        + "2026-11-24 (Tue); it started on 2026-11-20", m.subject());
    assertTrue(m.text().contains("WARNING spike, resolved on 2026-11-24"), m.text());
  }

  @Test
  void aReminderSaysStillFiring() {
    Alert old = spike("requests", 3e6, 1e6, 12);
    Alert since = new Alert(old.fingerprint(), old.packageName(), old.rule(), old.series(),
        old.category(), LocalDate.of(2026, 11, 17), old.state(), old.severity(), old.observed(),
        old.expected(), old.score(), old.summary(), old.link());

    EmailMessage one = EmailMessage.of(alerts(Notification.Kind.REMINDER, List.of(since),
        Map.of()));
    EmailMessage two = EmailMessage.of(alerts(Notification.Kind.REMINDER,
        List.of(since, drop("numpy")), Map.of()));

    assertEquals("[pypiwatch] still firing: requests spike since 2026-11-17", one.subject());
    assertTrue(one.text().startsWith("A reminder: 1 alert for requests is still firing on "
        + "2026-11-24."), one.text());
    assertTrue(one.text().contains("CRITICAL spike, still firing since 2026-11-17"), one.text());
    assertTrue(one.html().contains("still firing since 2026-11-17"), one.html());
    assertEquals("[pypiwatch] still firing: 2 alerts for 2 packages (2026-11-24)",
        two.subject());
  }

  @Test
  void aDigestIsATable() {
    List<DigestLine> lines = List.of(
        new DigestLine("requests", 1_234_567, 8_000_000, 0.1, 1),
        new DigestLine("numpy", -1, 700, Double.NaN, 0));
    Notification n = new Notification("d-1", "ops", Notification.Kind.DIGEST, DAY, List.of(),
        Map.of("requests", SeriesChartTest.weekly(90), "numpy", SeriesChartTest.weekly(90)),
        lines);

    EmailMessage m = EmailMessage.of(n);

    assertEquals("[pypiwatch] daily digest 2026-11-24", m.subject());
    assertTrue(m.text().contains("""
        package   downloads on the day  last 7 days  vs week before  firing alerts
        requests             1,234,567    8,000,000          +10.0%              1
        numpy                  unknown          700             n/a              0
        """), m.text());
    String cell = "<td style=\"padding:3px 8px;border-bottom:1px solid #ddd;text-align:right\">";
    assertTrue(m.html().contains("<tr><td style=\"padding:3px 8px;border-bottom:1px solid #ddd\">"
        + "<a href=\"https://pypistats.org/packages/requests\">requests</a></td>"
        + cell + "1,234,567</td>" + cell + "8,000,000</td>" + cell + "+10.0%</td>"
        + cell + "1</td></tr>"), m.html());
    assertTrue(m.html().contains(cell + "unknown</td>" + cell + "700</td>" + cell + "n/a</td>"),
        m.html());
    assertEquals(5, count(m.html(), "<th "));
    // A chart for the package with a firing alert only: a chart per quiet package would bury it.
    assertEquals(1, m.images().size());
    assertTrue(m.html().indexOf(">requests</a></h2>") < m.html().indexOf("cid:chart-1"));
    assertFalse(m.html().contains(">numpy</a></h2>"), m.html());
    assertFalse(m.text().contains("--------"), "a section without alerts in " + m.text());
  }

  @Test
  void everythingFromDataIsEscapedInHtml() {
    String evil = "<script>alert('x')</script>&\"";
    Alert a = new Alert("fp", "pkg<b>", "spike<i>", "overall", evil, DAY, AlertState.FIRING,
        Severity.WARNING, 10, 5, 3, "pkg<b>: " + evil, "https://x.example/?a=1&b=\"2\"");
    Notification n = new Notification("id<&>", "ops'<", Notification.Kind.ALERTS, DAY, List.of(a),
        Map.of("pkg<b>", SeriesChartTest.weekly(60)),
        List.of());

    EmailMessage m = EmailMessage.of(n);

    for (String raw : List.of("<script>", "</script>", "'x'", "pkg<b>", "spike<i>", "id<&>",
        "ops'<", "&\"", "a=1&b")) {
      assertFalse(m.html().contains(raw), raw + " unescaped in " + m.html());
    }
    assertTrue(m.html().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"),
        m.html());
    assertTrue(m.html().contains("<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">"),
        m.html());
    assertTrue(m.html().contains("pkg&lt;b&gt;"));
    // The text part is not HTML: it keeps the data as it is.
    assertTrue(m.text().contains("pkg<b>: " + evil), m.text());
  }

  @Test
  void aLinkThatIsNotHttpIsNotALink() {
    Alert a = new Alert("fp", "requests", "spike", "overall", "without_mirrors", DAY,
        AlertState.FIRING, Severity.WARNING, 10, 5, 3, "requests: x", "javascript:alert(1)");

    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(a), Map.of()));

    assertFalse(m.html().contains("javascript:"), m.html());
    assertTrue(m.html().contains("pypistats.org page of requests</p>"), m.html());
  }

  @Test
  void aLineBreakInTheSummaryDoesNotBreakTheSubject() {
    Alert a = new Alert("fp", "requests", "spike", "overall", "without_mirrors", DAY,
        AlertState.FIRING, Severity.WARNING, 10, 5, 3, "requests: up\r\nBcc: x@example.com",
        Alert.linkOf("requests"));

    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(a), Map.of()));

    assertEquals("[pypiwatch] spike: requests up Bcc: x@example.com", m.subject());
  }

  @Test
  void aShareShiftShowsPercentages() {
    Alert shift = new Alert("fp", "numpy", "python-shift", "python_minor", "3.13", DAY,
        AlertState.FIRING, Severity.WARNING, 41.27, 30.2, 5.1,
        "numpy: share of 3.13 rose to 41.3% (+11.1 pp)", Alert.linkOf("numpy"));

    EmailMessage m = EmailMessage.of(alerts(Notification.Kind.ALERTS, List.of(shift), Map.of()));

    assertTrue(m.text().contains("Observed 41.3% vs expected 30.2%, score 5.1"), m.text());
    assertTrue(m.html().contains(">Observed</th><td>41.3%</td>"), m.html());
  }

  static Notification alerts(Notification.Kind kind, List<Alert> alerts,
      Map<String, RecentSeries> series) {
    return new Notification("n-1", "ops", kind, DAY, alerts, series, List.of());
  }

  static Alert spike(String pkg, double observed, double expected, double score) {
    String summary = String.format(java.util.Locale.ROOT,
        "%s: downloads spiked to %,d on 2026-11-24 (Tue), %.1fx the usual Tuesday (%,d)", pkg,
        Math.round(observed), observed / expected, Math.round(expected));
    return new Alert("fp-spike-" + pkg, pkg, "spike", "overall", "without_mirrors", DAY,
        AlertState.FIRING, Severity.CRITICAL, observed, expected, score, summary,
        Alert.linkOf(pkg));
  }

  static Alert drop(String pkg) {
    return new Alert("fp-drop-" + pkg, pkg, "drop", "overall", "without_mirrors", DAY,
        AlertState.FIRING, Severity.WARNING, 300_000, 1_000_000, 6,
        pkg + ": downloads fell to 30% of the usual over the 3 known days 2026-11-22 to "
            + "2026-11-24 (Tue) (300,000 vs 1,000,000 expected)", Alert.linkOf(pkg));
  }

  /** The content ids of the {@code cid:} images of {@code html}, in order. */
  static List<String> cids(String html) {
    Matcher m = Pattern.compile("<img src=\"cid:([^\"]+)\"").matcher(html);
    return m.results().map(r -> r.group(1)).toList();
  }

  private static int count(String s, String part) {
    return s.split(Pattern.quote(part), -1).length - 1;
  }
}

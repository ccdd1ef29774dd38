package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.Service;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.kafka.CloudEventHeaders;
import dev.pypiwatch.kafka.KafkaClients;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import dev.pypiwatch.simulate.PlantedEvent;
import dev.pypiwatch.simulate.Profile;
import dev.pypiwatch.simulate.SimulatedDayClock;
import dev.pypiwatch.simulate.SimulatedUpstream;
import dev.pypiwatch.simulate.SimulatorServer;
import dev.pypiwatch.testing.Await;
import dev.pypiwatch.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The dashboard in a real browser (headless chromium) against the whole service: the simulator as
 * upstream (a spike planted yesterday, a package whose Python version and OS categories are
 * markup), the embedded broker, the poller and rule stage. Each page is opened and its charts'
 * own data (read from the ECharts instances) is compared with what the simulator served; the
 * markup shows as text and runs nothing; a new alert appears on open pages without a reload.
 * Screenshots go to {@code target/screenshots/}.
 */
class DashboardBrowserIT {
  private static final LocalDate TODAY = LocalDate.of(2026, 4, 10);
  private static final LocalDate YESTERDAY = TODAY.minusDays(1);
  private static final String SPIKY = "rocket-pkg";
  private static final String QUIET = "quiet-pkg";
  private static final String HOSTILE = "hostile-pkg";
  /**
   * Markup as categories. The upstream's rows holding them are rejected at ingest; the same values
   * written to the topics by another producer must still show as text (the topics are open).
   */
  private static final String HOSTILE_MINOR = "3.14<script>window.__pwned=1</script>";
  private static final String HOSTILE_OS = "<img src=x onerror=\"window.__pwned=2\">";
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String TOKEN = "browser-test-token";

  @RegisterExtension
  static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;
  private SimulatedUpstream sim;
  private SimulatedDayClock clock;
  private Service service;
  private AppConfig config;
  private String base;

  /** Starts the simulator with the three packages and the service on it; waits for the data and the spike. */
  private void startService(String prefix, String extraHttp) throws Exception {
    Map<String, Double> minors = new LinkedHashMap<>(Profile.DEFAULT_MINORS);
    minors.put(HOSTILE_MINOR, 0.05);
    Map<String, Double> shifted = new LinkedHashMap<>(minors);
    shifted.put(HOSTILE_MINOR, 0.45); // a fast rise of the hostile version: a python-shift alert names it
    shifted.put("3.12", 0.05);
    Map<String, Double> systems = new LinkedHashMap<>(Profile.DEFAULT_OS);
    systems.put(HOSTILE_OS, 0.05);
    sim = new SimulatedUpstream(21).addPackage(SPIKY, Profile.busy(20_000)).addPackage(QUIET, Profile.busy(8_000))
        .addPackage(HOSTILE, Profile.busy(20_000).withMinorShares(minors).withOsShares(systems)
            .withEvent(new PlantedEvent.PythonShift(TODAY.minusDays(10), shifted)))
        .setToday(TODAY);
    long usual = sim.count(SPIKY, Endpoint.OVERALL, "without_mirrors", YESTERDAY);
    sim.revise(SPIKY, YESTERDAY, (int) (4 * usual)); // five times the usual: a spike
    SimulatorServer upstream = Await.result(SimulatorServer.start(kafka.vertx(), sim, "localhost", 0, 0));
    kafka.closeAfterEach(() -> Await.result(upstream.stop()));
    clock = new SimulatedDayClock(TODAY);
    config = config(prefix, upstream.baseUrl(), extraHttp);
    service = kafka.startService(config, clock);
    base = "http://127.0.0.1:" + service.statusPort();
    Await.until(() -> {
      JsonNode list = get("/api/v1/packages");
      return list.get("packages").size() == 3 && list.findValuesAsText("newest_day").stream()
          .allMatch(YESTERDAY.toString()::equals);
    }, KafkaFixture.WAIT, () -> get("/api/v1/packages").toString());
    Await.until(() -> get("/api/v1/alerts?rule=spike&state=firing&package=" + SPIKY).get("alerts").size() == 1
            && get("/api/v1/alerts?rule=python-shift&package=" + HOSTILE).get("alerts").size() > 0,
        KafkaFixture.WAIT, () -> get("/api/v1/alerts").toString());
  }

  @Test
  void pagesShowTheServedDataTheMarkupAsTextAndNewAlertsLive() throws Exception {
    startService("dash", "");
    try (Browser b = new Browser(1400, 1000)) {
      overview(b);
      packagePage(b);
      hostileNames(b);
      alertsPage(b);
      live(b);
      silencesPageShowsTheApisAnswer(b);
      assertNull(b.js("return window.__pwned"), "no injected script ran");
    }
  }

  private void overview(Browser b) throws Exception {
    b.open(base + "/");
    b.until(d -> d.findElements(By.cssSelector("#packages tbody tr")).size() == 3 ? true : null, "three rows");
    for (String pkg : List.of(SPIKY, QUIET, HOSTILE)) {
      // The sparkline's own data: the 30 days to yesterday without mirrors, as the upstream served them.
      List<LocalDate> days = new ArrayList<>();
      for (int i = 29; i >= 0; i--) {
        days.add(YESTERDAY.minusDays(i));
      }
      List<?> data = (List<?>) b.js("return echarts.getInstanceByDom(document.querySelector("
          + "'.spark[data-package=\"' + arguments[0] + '\"]')).getOption().series[0].data", pkg);
      List<?> dates = (List<?>) b.js("return echarts.getInstanceByDom(document.querySelector("
          + "'.spark[data-package=\"' + arguments[0] + '\"]')).getOption().xAxis[0].data", pkg);
      assertEquals(days.stream().map(LocalDate::toString).toList(), dates, pkg);
      assertEquals(days.stream().map(d -> sim.count(pkg, Endpoint.OVERALL, "without_mirrors", d)).toList(),
          data.stream().map(v -> ((Number) v).longValue()).toList(), pkg + "'s sparkline");
      WebElement row = b.driver.findElement(By.cssSelector("#packages tr[data-package='" + pkg + "']"));
      List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
      assertEquals(pkg, cells.get(0));
      assertEquals(String.format(Locale.US, "%,d", sim.count(pkg, Endpoint.OVERALL, "without_mirrors", YESTERDAY)),
          cells.get(2), "last day");
      assertEquals(percent(python3Share(pkg)), cells.get(4), pkg + ": Python 3.x share");
      assertEquals("fresh", cells.get(5));
    }
    assertEquals("1", cell(b, SPIKY, 6), "the spike is firing");
    assertEquals("0", cell(b, QUIET, 6));

    // Sorted by the last day, largest first: the spike leads.
    b.driver.findElement(By.cssSelector("th[data-key='last_day_downloads'] button")).click();
    List<String> byLastDay = new ArrayList<>(List.of(SPIKY, QUIET, HOSTILE));
    byLastDay.sort(Comparator.comparingLong(
        (String p) -> sim.count(p, Endpoint.OVERALL, "without_mirrors", YESTERDAY)).reversed());
    assertEquals(byLastDay, rowOrder(b));
    b.driver.findElement(By.cssSelector("th[data-key='last_day_downloads'] button")).click();
    List<String> reversed = new ArrayList<>(byLastDay);
    java.util.Collections.reverse(reversed);
    assertEquals(reversed, rowOrder(b), "a second click reverses");
    b.driver.findElement(By.cssSelector("th[data-key='package'] button")).click();
    assertEquals(List.of(HOSTILE, QUIET, SPIKY), rowOrder(b), "by name");

    WebElement filter = b.driver.findElement(By.id("filter"));
    filter.sendKeys("rock");
    assertEquals(List.of(SPIKY), rowOrder(b), "filtered by name");
    filter.clear();
    filter.sendKeys(" "); // an input event with an empty filter
    assertEquals(3, rowOrder(b).size());
    b.screenshot(SHOTS, "overview");
  }

  private void packagePage(Browser b) throws Exception {
    b.open(base + "/pkg.html?name=" + SPIKY);
    assertEquals(SPIKY, b.driver.findElement(By.id("package-name")).getText());
    String chart = "echarts.getInstanceByDom(document.getElementById('downloads-chart')).getOption()";
    List<?> dates = (List<?>) b.js("return " + chart + ".xAxis[0].data");
    List<LocalDate> served = sim.publishedDates();
    assertEquals(served.stream().map(LocalDate::toString).toList(), dates, "every day the upstream served");
    assertEquals(List.of("with mirrors", "without mirrors"), b.js("return " + chart + ".series.map(s => s.name)"));
    for (int s = 0; s < 2; s++) {
      String category = s == 0 ? "with_mirrors" : "without_mirrors";
      List<?> data = (List<?>) b.js("return " + chart + ".series[" + s + "].data");
      assertEquals(served.stream().map(d -> sim.count(SPIKY, Endpoint.OVERALL, category, d)).toList(),
          data.stream().map(v -> ((Number) v).longValue()).toList(), category);
    }
    // The spike's day is pinned at the day's downloads, and hovering that day shows the alert.
    JsonNode spike = get("/api/v1/alerts?rule=spike&package=" + SPIKY).get("alerts").get(0);
    List<?> pin = (List<?>) b.js("return " + chart + ".series[1].markPoint.data.map(p => p.coord)");
    assertEquals(List.of(List.of(YESTERDAY.toString(),
        sim.count(SPIKY, Endpoint.OVERALL, "without_mirrors", YESTERDAY))), pin);
    b.js("echarts.getInstanceByDom(document.getElementById('downloads-chart'))"
        + ".dispatchAction({type: 'showTip', seriesIndex: 1, dataIndex: arguments[0]})", dates.size() - 1);
    b.until(d -> text(b, "downloads-chart").contains(spike.get("summary").asText()) ? true : null,
        "the tooltip of the spike's day shows the alert");

    // Python minor shares: each category's share of the day, as the upstream's counts say.
    sharesMatch(b, "python-chart", SPIKY, Endpoint.PYTHON_MINOR);
    sharesMatch(b, "os-chart", SPIKY, Endpoint.SYSTEM);

    List<WebElement> alertRows = b.driver.findElements(By.cssSelector("#package-alerts tr.alert"));
    assertEquals(1, alertRows.size());
    String row = alertRows.get(0).getText();
    assertTrue(row.contains(spike.get("summary").asText()), row);
    assertTrue(row.contains("observed " + String.format(Locale.US, "%,d", spike.get("observed").asLong())), row);
    assertTrue(row.contains("score " + String.format(Locale.US, "%.1f", spike.get("score").asDouble())), row);
    assertFalse(b.driver.findElements(By.cssSelector("#package-alerts button.silence-alert")).isEmpty(),
        "a firing alert can be silenced from here");
    b.screenshot(SHOTS, "package");
  }

  /** The chart's series are the categories the upstream served, each day's values their shares of the day. */
  private void sharesMatch(Browser b, String id, String pkg, Endpoint endpoint) {
    String option = "echarts.getInstanceByDom(document.getElementById('" + id + "')).getOption()";
    assertEquals(sim.normalizedCategories(pkg, endpoint), new TreeSet<>((List<?>) b.js(
        "return " + option + ".series.map(s => s.name)")), id);
    List<?> dates = (List<?>) b.js("return " + option + ".xAxis[0].data");
    @SuppressWarnings("unchecked")
    List<List<?>> data = (List<List<?>>) b.js("return " + option + ".series.map(s => s.data)");
    List<?> names = (List<?>) b.js("return " + option + ".series.map(s => s.name)");
    for (int day = 0; day < dates.size(); day++) {
      Map<String, Long> counts = sim.normalizedCounts(pkg, endpoint, LocalDate.parse((String) dates.get(day)));
      long total = counts.values().stream().mapToLong(Long::longValue).sum();
      for (int s = 0; s < names.size(); s++) {
        double expected = 100.0 * counts.getOrDefault((String) names.get(s), 0L) / total;
        assertEquals(expected, ((Number) data.get(s).get(day)).doubleValue(), 1e-9,
            id + " " + names.get(s) + " on " + dates.get(day));
      }
    }
  }

  private void hostileNames(Browser b) throws Exception {
    // The upstream served the markup categories on every day: ingest left those rows out.
    JsonNode served = get("/api/v1/packages/" + HOSTILE);
    assertFalse(served.toString().contains("script") || served.toString().contains("onerror"), served.toString());
    // Another producer writes them to the topics: the dashboard shows them, as text.
    TopicsConfig topics = config.kafka().topics();
    Alert shift = new Alert("python-shift:" + HOSTILE + ":python_minor:" + HOSTILE_MINOR, HOSTILE,
        "python-shift", "python_minor", HOSTILE_MINOR, YESTERDAY, AlertState.FIRING, Severity.INFO, 45, 5, 9,
        HOSTILE + ": Python " + HOSTILE_MINOR + " share rose to 45%", Alert.linkOf(HOSTILE));
    try (KafkaProducer<String, byte[]> p =
        new KafkaClients(config.kafka(), kafka.bootstrapServers()).newProducer(null)) {
      for (DownloadRecord r : List.of(
          new DownloadRecord(HOSTILE, Endpoint.PYTHON_MINOR, HOSTILE_MINOR, YESTERDAY, 9_000),
          new DownloadRecord(HOSTILE, Endpoint.SYSTEM, HOSTILE_OS, YESTERDAY, 1_000))) {
        p.send(new ProducerRecord<>(topics.downloads(), HOSTILE, EventCodec.encode(new DownloadObservation(r,
            Origin.REPORTED, null, Instant.now(), "third-party")))).get();
      }
      p.send(new ProducerRecord<>(topics.alerts(), null, shift.fingerprint(), AlertCodec.encode(shift),
          CloudEventHeaders.forAlert(shift))).get();
    }
    Await.until(() -> get("/api/v1/packages/" + HOSTILE).toString().contains("onerror")
            && get("/api/v1/alerts?package=" + HOSTILE).toString().contains("script"),
        KafkaFixture.WAIT, () -> get("/api/v1/packages/" + HOSTILE).toString());
    b.open(base + "/pkg.html?name=" + HOSTILE);
    assertTrue(cellTexts(b, "python-newest").contains(HOSTILE_MINOR), "the version as text");
    assertTrue(cellTexts(b, "os-newest").contains(HOSTILE_OS), "the OS as text");
    assertTrue(((List<?>) b.js("return echarts.getInstanceByDom(document.getElementById('python-chart'))"
        + ".getOption().series.map(s => s.name)")).contains(HOSTILE_MINOR));
    // The tooltip is HTML built by our formatter: the name must arrive as text there too.
    b.js("echarts.getInstanceByDom(document.getElementById('python-chart'))"
        + ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})");
    b.until(d -> text(b, "python-chart").contains(HOSTILE_MINOR) ? true : null, "the tooltip names the version");
    // The python-shift alert of the hostile version: its category and summary, as text.
    List<String> rows = b.driver.findElements(By.cssSelector("#package-alerts tr.alert")).stream()
        .map(WebElement::getText).toList();
    assertTrue(rows.stream().anyMatch(r -> r.contains("python_minor/" + HOSTILE_MINOR)), rows.toString());
    assertEquals(0L, b.js("return document.querySelectorAll('img[src=\"x\"], #package-alerts script, main script').length"),
        "no element was made of the data");
    assertNull(b.js("return window.__pwned"), "no injected script ran");
    b.screenshot(SHOTS, "package-hostile");
  }

  private void alertsPage(Browser b) throws Exception {
    b.open(base + "/alerts.html");
    JsonNode all = get("/api/v1/alerts").get("alerts");
    List<String> shown = b.driver.findElements(By.cssSelector("#alerts tbody tr")).stream()
        .map(r -> r.getDomAttribute("data-fingerprint") + "@" + r.getDomAttribute("data-date")).toList();
    List<String> expected = new ArrayList<>();
    all.forEach(a -> expected.add(a.get("fingerprint").asText() + "@" + a.get("date").asText()));
    assertEquals(expected, shown, "every transition, newest first");

    int loads = b.loads();
    new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("filter-state"))).selectByValue("firing");
    b.driver.findElement(By.id("filter-rule")).sendKeys("spike");
    b.driver.findElement(By.cssSelector("#alert-filters button[type=submit]")).click();
    b.until(d -> b.loads() > loads ? true : null, "the filtered load");
    List<WebElement> spikes = b.driver.findElements(By.cssSelector("#alerts tbody tr"));
    assertEquals(1, spikes.size());
    assertEquals("spike:" + SPIKY + ":overall:without_mirrors", spikes.get(0).getDomAttribute("data-fingerprint"));
    assertTrue(b.driver.getCurrentUrl().endsWith("?state=firing&rule=spike"), b.driver.getCurrentUrl());
    // The spike's context, as the API gives it, under its evidence.
    JsonNode spike = null;
    for (JsonNode a : all) {
      if (a.get("fingerprint").asText().equals("spike:" + SPIKY + ":overall:without_mirrors")
          && a.get("state").asText().equals("firing")) {
        spike = a;
      }
    }
    String why = spikes.get(0).findElements(By.cssSelector(".why")).stream().map(WebElement::getText).toList()
        .toString();
    assertTrue(why.contains(spike.at("/context/weekday").asText()), why);
    String unusual = spike.at("/context/unusual").asText();
    assertTrue(why.contains(unusual.substring(1)), why + " should hold: " + unusual);
    b.open(base + "/alerts.html");
    b.screenshot(SHOTS, "alerts");
  }

  /** A spike of the quiet package on the next day shows on the open overview and alerts page without a reload. */
  private void live(Browser b) throws Exception {
    String alertsTab = b.driver.getWindowHandle(); // the alerts page, unfiltered
    b.js("window.__notReloaded = true");
    b.until(d -> "live".equals(d.findElement(By.id("live")).getText()) ? true : null, "alerts page connected");
    b.driver.switchTo().newWindow(WindowType.TAB);
    b.open(base + "/");
    b.js("window.__notReloaded = true");
    b.until(d -> "live".equals(d.findElement(By.id("live")).getText()) ? true : null, "overview connected");
    String overviewTab = b.driver.getWindowHandle();

    LocalDate next = TODAY.plusDays(1);
    clock.setDay(next);
    sim.setToday(next);
    long usual = sim.count(QUIET, Endpoint.OVERALL, "without_mirrors", TODAY);
    sim.revise(QUIET, TODAY, (int) (4 * usual));
    service.poller().pollNow();

    String fingerprint = "spike:" + QUIET + ":overall:without_mirrors";
    b.until(d -> "1".equals(cell(b, QUIET, 6)) ? true : null, "the overview counts the new firing alert");
    // Texts are read inside the wait: a live page may redraw the element between finding and reading it.
    String item = b.until(d -> d.findElements(By.cssSelector("#live-alerts li[data-fingerprint='" + fingerprint
        + "']")).stream().findFirst().map(WebElement::getText).orElse(null), "the overview lists the new alert");
    assertTrue(item.contains(TODAY + " FIRING"), item);
    assertEquals(true, b.js("return window.__notReloaded"), "no reload");
    b.screenshot(SHOTS, "overview-live");

    b.driver.switchTo().window(alertsTab);
    String row = b.until(d -> d.findElements(By.cssSelector("#alerts tbody tr.new[data-fingerprint='" + fingerprint
        + "']")).stream().findFirst().map(WebElement::getText).orElse(null),
        "the alerts page shows the new alert");
    // At the top: above every row the page had before (the same poll may bring other new transitions).
    // Read in one script, so the order is of one rendering of the table.
    assertEquals(true, b.js("const rows = [...document.querySelectorAll('#alerts tbody tr')];"
        + "const row = rows.findIndex(r => r.classList.contains('new') && r.dataset.fingerprint === arguments[0]);"
        + "const before = rows.findIndex(r => !r.classList.contains('new'));"
        + "return row >= 0 && (before < 0 || row < before);", fingerprint), "the new alert above the rows loaded before");
    assertTrue(row.contains(TODAY.toString()), row);
    assertEquals(true, b.js("return window.__notReloaded"), "no reload");
    b.driver.switchTo().window(overviewTab).close();
    b.driver.switchTo().window(alertsTab);
  }

  private void silencesPageShowsTheApisAnswer(Browser b) throws Exception {
    b.open(base + "/silences.html");
    HttpResponse<String> api = http("GET", "/api/v1/silences", null, null);
    String message = b.driver.findElement(By.id("message")).getText();
    if (api.statusCode() == 200) {
      assertEquals("", message);
      assertEquals(1, b.driver.findElements(By.cssSelector("#silences tbody tr")).size(), "'No silences.'");
    } else {
      // Without the silences API the page says what the API said.
      String error = OpenApiContract.JSON.readTree(api.body()).get("error").asText();
      assertEquals("Could not load the silences: " + error, message);
    }
    WebElement form = b.driver.findElement(By.id("silence-form"));
    form.findElement(By.name("packages")).sendKeys(SPIKY);
    form.findElement(By.name("comment")).sendKeys("no token configured here");
    form.findElement(By.name("created-by")).sendKeys("browser-test");
    // This service has no API token: whatever the API answers a POST with one, the form shows as it says it.
    HttpResponse<String> direct = http("POST", "/api/v1/silences", "{}", TOKEN);
    String said = "Not created: " + OpenApiContract.JSON.readTree(direct.body()).get("error").asText();
    form.findElement(By.id("silence-submit")).click();
    b.until(d -> d.findElement(By.id("token-input")), "the token is asked for").sendKeys(TOKEN);
    b.driver.findElement(By.id("token-ok")).click();
    WebElement result = form.findElement(By.className("form-result"));
    b.until(d -> result.getText().startsWith("Not created: ") ? true : null, "the API's error");
    assertEquals(said, result.getText());
    assertEquals(TOKEN, b.js("return sessionStorage.getItem('pypiwatch.api-token')"), "kept for the tab");
  }

  @Test
  void aSilenceIsCreatedFromThePackagePageAndExpiredFromTheSilencesPage() throws Exception {
    startService("dsil", ", api-token: " + TOKEN);
    try (Browser b = new Browser(1400, 1000)) {
      b.open(base + "/pkg.html?name=" + SPIKY);
      b.driver.findElement(By.cssSelector("#package-alerts button.silence-alert")).click();
      WebElement form = b.until(d -> d.findElement(By.id("silence-form")), "the silence form");
      assertEquals(SPIKY, form.findElement(By.name("packages")).getDomProperty("value"));
      assertEquals("spike", form.findElement(By.name("rules")).getDomProperty("value"));
      assertEquals("spike:" + SPIKY + ":overall:without_mirrors",
          form.findElement(By.name("until-resolved")).getDomProperty("value"));
      form.findElement(By.name("comment")).clear();
      form.findElement(By.name("comment")).sendKeys("release day <b>traffic</b>");
      form.findElement(By.name("created-by")).sendKeys("browser-test");

      // A wrong token first: the API's message is shown and the token is asked for again.
      form.findElement(By.id("silence-submit")).click();
      b.until(d -> d.findElement(By.id("token-input")), "the token is asked for").sendKeys("wrong");
      b.driver.findElement(By.id("token-ok")).click();
      b.until(d -> form.findElement(By.className("form-result")).getText().startsWith("Not created: ") ? true : null,
          "the API's error");
      form.findElement(By.id("silence-submit")).click();
      b.until(d -> d.findElement(By.id("token-input")), "asked again after a 401").sendKeys(TOKEN);
      b.driver.findElement(By.id("token-ok")).click();
      WebElement id = b.until(d -> form.findElements(By.className("silence-id")).stream().findFirst().orElse(null),
          "created");

      JsonNode silences = get("/api/v1/silences").get("silences");
      assertEquals(1, silences.size(), silences.toString());
      JsonNode s = silences.get(0);
      assertEquals(id.getText(), s.get("id").asText());
      assertEquals(List.of(SPIKY), List.of(s.at("/match/packages/0").asText()));
      assertEquals("spike", s.at("/match/rules/0").asText());
      assertEquals("spike:" + SPIKY + ":overall:without_mirrors", s.get("until-resolved").asText());
      assertEquals("release day <b>traffic</b>", s.get("comment").asText());
      assertEquals("browser-test", s.get("created-by").asText());
      assertEquals("active", s.get("status").asText());

      // Listed as text, then expired with the token kept for the tab (not asked again).
      b.open(base + "/silences.html");
      WebElement row = b.driver.findElement(By.cssSelector("#silences tr[data-id='" + s.get("id").asText() + "']"));
      assertTrue(row.getText().contains("release day <b>traffic</b>"), row.getText());
      b.screenshot(SHOTS, "silences");
      int loads = b.loads();
      row.findElement(By.cssSelector("button.expire")).click();
      b.until(d -> b.loads() > loads ? true : null, "reloaded after the expiry");
      assertTrue(b.driver.findElements(By.id("token-dialog")).isEmpty(), "the token was kept");
      assertEquals("expired", get("/api/v1/silences").at("/silences/0/status").asText());
      assertEquals("expired", b.driver.findElement(By.cssSelector("#silences tr[data-id='" + s.get("id").asText()
          + "'] .status")).getText());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Python 3's share of the package's python minors on yesterday, from the upstream's valid rows. */
  private double python3Share(String pkg) {
    Map<String, Long> minors = new LinkedHashMap<>(sim.normalizedCounts(pkg, Endpoint.PYTHON_MINOR, YESTERDAY));
    minors.keySet().removeIf(c -> !c.equals(Categories.UNKNOWN) // the upstream's null
        && Categories.problem(Endpoint.PYTHON_MINOR, c) != null); // rejected at ingest
    long total = minors.values().stream().mapToLong(Long::longValue).sum();
    long three = minors.entrySet().stream().filter(e -> e.getKey().startsWith("3.")).mapToLong(Map.Entry::getValue)
        .sum();
    return (double) three / total;
  }

  private static String percent(double share) {
    return String.format(Locale.US, "%.1f%%", 100 * share);
  }

  private static String cell(Browser b, String pkg, int column) {
    List<WebElement> rows = b.driver.findElements(By.cssSelector("#packages tr[data-package='" + pkg + "']"));
    return rows.isEmpty() ? null : rows.get(0).findElements(By.tagName("td")).get(column).getText();
  }

  private static List<String> rowOrder(Browser b) {
    return b.driver.findElements(By.cssSelector("#packages tbody tr")).stream()
        .map(r -> r.getDomAttribute("data-package")).toList();
  }

  private static Set<String> cellTexts(Browser b, String tableId) {
    Set<String> out = new TreeSet<>();
    b.driver.findElements(By.cssSelector("#" + tableId + " td")).forEach(td -> out.add(td.getText()));
    return out;
  }

  /** The element's text content (tooltips included), as the DOM holds it. */
  private static String text(Browser b, String id) {
    return (String) b.js("return document.getElementById(arguments[0]).textContent", id);
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = http("GET", path, null, null);
      return OpenApiContract.JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(path, e);
    }
  }

  private HttpResponse<String> http(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private AppConfig config(String prefix, String upstream, String extraHttp) throws Exception {
    Path file = dir.resolve("pypiwatch.yaml");
    Files.writeString(file, """
        api: {base-url: %2$s, min-interval: 0s, max-attempts: 2, initial-backoff: 10ms, max-backoff: 20ms}
        kafka:
          bootstrap-servers: "%3$s"
          topics: {downloads: %1$s.downloads, recent: %1$s.recent, poller-state: %1$s.state, alerts: %1$s.alerts}
        poller: {freshness-deadline: 5s, transactional-id: %1$s-poller}
        http: {port: 0%4$s}
        rule-engine: {group-id: %1$s-rules, transactional-id-prefix: %1$s-rules}
        watchlist: [%5$s, %6$s, %7$s]
        """.formatted(prefix, upstream, kafka.bootstrapServers(), extraHttp, SPIKY, QUIET, HOSTILE));
    return ConfigLoader.load(file, Map.of());
  }
}

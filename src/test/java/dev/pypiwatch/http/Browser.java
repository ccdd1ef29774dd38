package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through Debian's chromedriver: both paths given explicitly,
 * so Selenium Manager never looks for (or downloads) a browser or driver. Missing binaries fail
 * the test with the command that installs them: CI installs them, so a skip would hide a broken
 * set-up. Override the paths with {@code -Dchromium.binary=} and {@code -Dchromedriver.path=}.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("chromedriver.path", "/usr/bin/chromedriver");
  /** Browser-side waits: page loads, the live stream and the service's poll on a loaded machine. */
  static final Duration WAIT = Duration.ofSeconds(90);

  final ChromeDriver driver;
  private final Path profile;

  Browser(int width, int height) throws IOException {
    for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(Path.of(binary))) {
        fail(binary + " is missing: the browser tests need Debian's chromium and chromium-driver "
            + "(apt-get install -y chromium chromium-driver; .ci/run installs them)");
      }
    }
    profile = Files.createTempDirectory("pypiwatch-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--force-device-scale-factor=1",
        "--lang=en-US");
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30)).pageLoadTimeout(Duration.ofSeconds(60));
  }

  /** Runs {@code script} in the page and returns its value. */
  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * Waits until {@code condition} is neither null nor false, and returns it. A condition that meets an
   * element the page re-rendered meanwhile (stale) is asked again: the live pages redraw on every event.
   */
  <T> T until(Function<WebDriver, T> condition, String what) {
    return new WebDriverWait(driver, WAIT).withMessage(() -> what + "; the browser's console: " + console())
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** Opens {@code url} and waits until the page's script has finished its first load. */
  void open(String url) {
    driver.get(url);
    until(d -> Boolean.TRUE.equals(js("return !!(document.body && document.body.dataset.loads)")) ? true : null,
        "the page's first load: " + url);
  }

  /** The page's load count (each page's script counts finished loads in body[data-loads]). */
  int loads() {
    Object v = js("return document.body.dataset.loads || '0'");
    return Integer.parseInt(v.toString());
  }

  /** The browser console's messages since the last call (errors of the page's scripts among them). */
  List<String> console() {
    try {
      return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
          .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    } catch (RuntimeException e) {
      return List.of("(console not readable: " + e + ")");
    }
  }

  /** Saves a screenshot of the window as {@code dir/name.png}. */
  Path screenshot(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

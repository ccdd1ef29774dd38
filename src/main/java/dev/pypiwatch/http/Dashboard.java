package dev.pypiwatch.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The web dashboard: static pages from the classpath ({@value #WEBROOT}: overview at {@code /},
 * package, alerts and silences pages) that read {@code /api/v1}, and the ECharts WebJar's
 * {@code dist/} under {@value #ECHARTS_PATH}. Nothing comes from a CDN: it works offline.
 */
public final class Dashboard {
  /**
   * The classpath folder of the pages, scripts and stylesheet. The package page is {@code pkg.html}:
   * the jar plugin leaves out every {@code package.html} (the old Javadoc file) by default.
   */
  public static final String WEBROOT = "dashboard";
  /** Where the chart library is served. */
  public static final String ECHARTS_PATH = "/assets/echarts/";

  private static final String ECHARTS_POM = "/META-INF/maven/org.webjars.npm/echarts/pom.properties";
  // Scripts only from this server (no inline ones, so injected markup could not run even if it got
  // in); ECharts sets inline styles on its tooltip, hence 'unsafe-inline' for styles.
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private Dashboard() {}

  /** The classpath folder of the WebJar's ECharts build, e.g. {@code META-INF/resources/webjars/echarts/5.3.1/dist}. */
  static String echartsRoot() {
    Properties p = new Properties();
    try (InputStream in = Dashboard.class.getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + ECHARTS_POM + ": the echarts WebJar is not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "META-INF/resources/webjars/echarts/" + p.getProperty("version") + "/dist";
  }

  /** Adds the dashboard's routes to {@code router}; mount it after the other routes (it serves {@code /*}). */
  public static void mount(Router router) {
    // The library's URL has no version in it, so revalidate daily rather than cache forever.
    router.route(ECHARTS_PATH + "*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticHandler.create(echartsRoot()).setMaxAgeSeconds(86_400)
        .setDirectoryListing(false));
    // Own pages change with each release: the browser revalidates them (ETag / Last-Modified) each time.
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(Dashboard::headers).handler(StaticHandler.create(WEBROOT)
        .setIndexPage("index.html").setDirectoryListing(false).setDefaultContentEncoding("UTF-8"));
  }

  private static void headers(RoutingContext rc) {
    rc.response().headersEndHandler(v -> {
      if (rc.response().getStatusCode() < 300) {
        rc.response().putHeader("cache-control", "no-cache")
            .putHeader("content-security-policy", CSP)
            .putHeader("x-content-type-options", "nosniff");
      }
    });
    rc.next();
  }
}

package dev.pypiwatch.http;

import java.nio.file.Path;
import java.util.List;

/**
 * Takes the README's screenshots (docs/img) of a running dashboard, e.g. the {@code demo}'s once
 * its days are played: {@code java -cp <test classpath> dev.pypiwatch.http.DashboardScreenshots
 * http://127.0.0.1:8080 docs/img rocketlib}. Prints each page's console, so it also serves to look
 * at a page by hand.
 */
public final class DashboardScreenshots {
  private DashboardScreenshots() {}

  /** Arguments: base URL, output folder, the package whose page to take. */
  public static void main(String[] args) throws Exception {
    String base = args[0];
    Path out = Path.of(args[1]);
    String pkg = args.length > 2 ? args[2] : "rocketlib";
    try (Browser b = new Browser(1400, 900)) {
      for (List<String> page : List.of(List.of("overview", "/"), List.of("package", "/pkg.html?name=" + pkg),
          List.of("alerts", "/alerts.html"), List.of("silences", "/silences.html"))) {
        b.open(base + page.get(1));
        if (page.get(0).equals("package")) {
          // The day of the newest firing alert, hovered: its tooltip is part of the picture.
          b.js("const c = echarts.getInstanceByDom(document.getElementById('downloads-chart'));"
              + "const pins = c.getOption().series[1].markPoint.data;"
              + "if (pins.length) { const d = pins[pins.length - 1].coord[0];"
              + " c.dispatchAction({type: 'showTip', seriesIndex: 1, dataIndex: c.getOption().xAxis[0].data.indexOf(d)}); }");
        }
        System.out.println(page.get(0) + ": " + b.screenshot(out, page.get(0)) + " console " + b.console());
      }
    }
  }
}

package dev.pypiwatch.cli;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.TextFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Alerts as a plain-text table with aligned columns, for {@code backtest --format table}. The last
 * column, WHY, is the alert's context as the rule stage computed it; it never has a release: the
 * table is offline (backtests over years of history) and asks PyPI nothing.
 */
final class AlertTable {
  static final List<String> HEADER = List.of("DATE", "PACKAGE", "RULE", "SERIES", "CATEGORY", "STATE",
      "SEVERITY", "OBSERVED", "EXPECTED", "SCORE", "SUMMARY", "WHY");
  // Numbers are right-aligned, text left-aligned; the last column is not padded.
  private static final int FIRST_NUMBER = 7;
  private static final int LAST_NUMBER = 9;

  private AlertTable() {}

  /** The header line and one line per alert, each ending with a newline. */
  static String render(List<Alert> alerts) {
    List<List<String>> rows = new ArrayList<>(alerts.size() + 1);
    rows.add(HEADER);
    alerts.forEach(a -> rows.add(row(a)));
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        String cell = row.get(i);
        boolean last = i == widths.length - 1;
        boolean number = i >= FIRST_NUMBER && i <= LAST_NUMBER;
        String pad = " ".repeat(last ? 0 : widths[i] - cell.length());
        sb.append(number ? pad + cell : cell + pad).append(last ? "\n" : "  ");
      }
    }
    return sb.toString();
  }

  private static List<String> row(Alert a) {
    return List.of(a.date().toString(), a.packageName(), a.rule(), a.series(), a.category(),
        a.state().wire(), a.severity().wire(), TextFormat.alertValue(a, a.observed()),
        TextFormat.alertValue(a, a.expected()),
        TextFormat.decimal(a.score()), a.summary(), String.join("; ", TextFormat.context(a)));
  }
}

package dev.pypiwatch.http;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Renders named figures in the Prometheus text exposition format. */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * One sample per figure, preceded by its family's {@code # TYPE} line the first time the family
   * appears; a name may carry labels ({@code family{receiver="ops"}}), and a family's series must
   * be adjacent. Families ending in {@code _total} are counters.
   */
  static String render(Map<String, Long> figures) {
    StringBuilder sb = new StringBuilder();
    Set<String> typed = new HashSet<>();
    figures.forEach((name, value) -> {
      int brace = name.indexOf('{');
      String family = brace < 0 ? name : name.substring(0, brace);
      if (typed.add(family)) {
        sb.append("# TYPE ").append(family).append(family.endsWith("_total") ? " counter\n" : " gauge\n");
      }
      sb.append(name).append(' ').append(value).append('\n');
    });
    return sb.toString();
  }
}

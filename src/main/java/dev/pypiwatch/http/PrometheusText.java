package dev.pypiwatch.http;

import java.util.Map;

/** Renders named figures in the Prometheus text exposition format. */
final class PrometheusText {
  private PrometheusText() {}

  /** One {@code # TYPE} line and one sample per figure; names ending in {@code _total} are counters. */
  static String render(Map<String, Long> figures) {
    StringBuilder sb = new StringBuilder();
    figures.forEach((name, value) -> sb.append("# TYPE ").append(name)
        .append(name.endsWith("_total") ? " counter\n" : " gauge\n")
        .append(name).append(' ').append(value).append('\n'));
    return sb.toString();
  }
}

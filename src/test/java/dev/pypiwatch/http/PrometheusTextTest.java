package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.notify.NotifyMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void oneTypeLinePerFamilyAndLabelledSeriesUnderIt() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pypiwatch_poll_cycles_total", 3L);
    m.put("pypiwatch_notifications_sent_total{receiver=\"chat\"}", 1L);
    m.put("pypiwatch_notifications_sent_total{receiver=\"ops\"}", 2L);
    m.put("pypiwatch_notifications_pending", 4L);
    assertEquals("""
        # TYPE pypiwatch_poll_cycles_total counter
        pypiwatch_poll_cycles_total 3
        # TYPE pypiwatch_notifications_sent_total counter
        pypiwatch_notifications_sent_total{receiver="chat"} 1
        pypiwatch_notifications_sent_total{receiver="ops"} 2
        # TYPE pypiwatch_notifications_pending gauge
        pypiwatch_notifications_pending 4
        """, PrometheusText.render(m));
  }

  @Test
  void notifierFamiliesAreAdjacentAndLabelValuesEscaped() {
    NotifyMetrics n = new NotifyMetrics(List.of("ops", "say \"hi\""));
    n.sent("ops");
    n.deadLettered("ops");
    String text = PrometheusText.render(n.snapshot());
    assertEquals(1, text.lines().filter(l -> l.equals("# TYPE pypiwatch_notifications_sent_total counter")).count());
    assertEquals(List.of(
            "pypiwatch_notifications_sent_total{receiver=\"ops\"} 1",
            "pypiwatch_notifications_sent_total{receiver=\"say \\\"hi\\\"\"} 0"),
        text.lines().filter(l -> l.startsWith("pypiwatch_notifications_sent_total")).toList());
    assertEquals(List.of("pypiwatch_notifications_dead_lettered_total{receiver=\"ops\"} 1"),
        text.lines().filter(l -> l.startsWith("pypiwatch_notifications_dead_lettered_total{receiver=\"ops\"}")).toList());
    assertEquals(List.of("pypiwatch_notifier_up -1"),
        text.lines().filter(l -> l.startsWith("pypiwatch_notifier_up")).toList());
  }
}

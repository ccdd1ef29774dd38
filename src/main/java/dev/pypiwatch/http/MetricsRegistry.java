package dev.pypiwatch.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The service's Prometheus registry behind {@code /metrics}: the Vert.x instance's HTTP server and
 * client, pool and JVM meters, the Kafka clients' meters (bound by whoever makes the clients), and
 * the stages' own figures, bridged from their snapshots ({@link #addFigures}).
 *
 * <p>The stages keep plain counters and publish them as {@code name -> value} maps (a name may carry
 * labels, {@code family{receiver="ops"}}; families ending in {@code _total} are counters): each
 * figure becomes a function meter read at scrape time, so the snapshot stays the one source of
 * truth and a label value first seen after start (a new receiver) gets its series at the next scrape.
 */
public final class MetricsRegistry {
  /** The Micrometer name of the Vert.x HTTP server's request latency, given histogram buckets here. */
  static final String SERVER_RESPONSE_TIME = "vertx.http.server.response.time";
  /** Its bucket bounds: enough for quantiles per route, few enough to keep the series bounded. */
  static final List<Duration> LATENCY_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10));
  /** The content type of {@link #scrape()}: the Prometheus text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Supplier<Map<String, Long>>> sources = new CopyOnWriteArrayList<>();
  // Figure name (as in the snapshots) -> its meter; the latest values, read by the meters.
  private final Map<String, Meter> bridged = new HashMap<>();
  private volatile Map<String, Long> latest = Map.of();

  /** An empty registry; the HTTP server latency meter gets {@link #LATENCY_BUCKETS}. */
  public MetricsRegistry() {
    double[] nanos = LATENCY_BUCKETS.stream().mapToDouble(Duration::toNanos).toArray();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals(SERVER_RESPONSE_TIME)
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config)
            : config;
      }
    });
  }

  /** The Micrometer registry, e.g. to bind Kafka client meters to. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A Vert.x instance measured into this registry: HTTP servers (labelled by route template, never
   * the raw path, so package names do not multiply series), HTTP clients, pools and the JVM.
   */
  public Vertx newVertx() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_ROUTE);
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** Adds {@code source}, a stage's figures by metric name, read at every scrape. */
  public void addFigures(Supplier<Map<String, Long>> source) {
    sources.add(source);
  }

  /** Every meter in the Prometheus text format ({@link #CONTENT_TYPE}), the figures read now. */
  public synchronized String scrape() {
    Map<String, Long> now = new HashMap<>();
    sources.forEach(s -> now.putAll(s.get()));
    latest = now;
    for (String name : now.keySet()) {
      bridged.computeIfAbsent(name, this::bridge);
    }
    // A figure a stage no longer reports is not served with a stale value.
    new ArrayList<>(bridged.keySet()).stream().filter(n -> !now.containsKey(n))
        .forEach(n -> registry.remove(bridged.remove(n)));
    return registry.scrape();
  }

  /** Closes the registry (its meters stop reporting). */
  public void close() {
    registry.close();
  }

  private Meter bridge(String name) {
    Figure f = Figure.parse(name);
    if (f.family().endsWith("_total")) {
      // Micrometer's Prometheus naming appends _total to a counter's name itself.
      String base = f.family().substring(0, f.family().length() - "_total".length());
      return FunctionCounter.builder(base, this, r -> r.value(name)).tags(f.tags()).register(registry);
    }
    return Gauge.builder(f.family(), this, r -> r.value(name)).tags(f.tags()).register(registry);
  }

  private double value(String name) {
    Long v = latest.get(name);
    return v == null ? Double.NaN : v;
  }

  /** A figure's name split into its family and labels: {@code family{k="v",...}}, values escaped. */
  record Figure(String family, Tags tags) {
    static Figure parse(String name) {
      int brace = name.indexOf('{');
      if (brace < 0) {
        return new Figure(name, Tags.empty());
      }
      if (!name.endsWith("}")) {
        throw new IllegalArgumentException("figure " + name + ": labels must end with '}'");
      }
      List<Tag> tags = new ArrayList<>();
      String labels = name.substring(brace + 1, name.length() - 1);
      int i = 0;
      while (i < labels.length()) {
        int eq = labels.indexOf("=\"", i);
        if (eq < 0) {
          throw new IllegalArgumentException("figure " + name + ": expected key=\"value\" at " + (brace + 1 + i));
        }
        String key = labels.substring(i, eq);
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < labels.length() && labels.charAt(j) != '"'; j++) {
          char c = labels.charAt(j);
          if (c == '\\' && j + 1 < labels.length()) {
            char next = labels.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
        }
        if (j >= labels.length()) {
          throw new IllegalArgumentException("figure " + name + ": unterminated value of label " + key);
        }
        tags.add(Tag.of(key, value.toString()));
        i = j + 1;
        if (i < labels.length() && labels.charAt(i) == ',') {
          i++;
        }
      }
      return new Figure(name.substring(0, brace), Tags.of(tags));
    }
  }
}

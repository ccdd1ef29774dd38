package dev.pypiwatch.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code /metrics} answer in the Prometheus text format, parsed (the subset it uses: TYPE lines
 * and samples), so tests compare families, labels and values rather than formatting.
 *
 * @param text the answer as served
 * @param types family -> its type ({@code counter}, {@code gauge}, {@code histogram}, ...)
 * @param samples sample name -> its labels -> value
 */
public record PrometheusScrape(String text, Map<String, String> types,
    Map<String, Map<Map<String, String>, Double>> samples) {
  private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][\\w:]*)(?:\\{(.*)})? (\\S+)(?: \\S+)?");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:\\\\.|[^\"\\\\])*)\",?");

  /** The value of the sample {@code name} with exactly {@code labels}; fails if it is not served. */
  public double value(String name, Map<String, String> labels) {
    Map<Map<String, String>, Double> series = samples.getOrDefault(name, Map.of());
    Double v = series.get(new TreeMap<>(labels));
    assertTrue(v != null, name + labels + " not served; series: " + series.keySet() + "\n" + text);
    return v;
  }

  /** The sum of every series of the sample {@code name} (0 if none). */
  public double sum(String name) {
    return samples.getOrDefault(name, Map.of()).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Parses {@code text}; fails on a line that is neither a comment nor a sample. */
  public static PrometheusScrape parse(String text) {
    Map<String, String> types = new TreeMap<>();
    Map<String, Map<Map<String, String>, Double>> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        types.put(t.group(1), t.group(2));
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
        }
      }
      String v = m.group(3);
      double value = v.equals("+Inf") ? Double.POSITIVE_INFINITY : v.equals("-Inf") ? Double.NEGATIVE_INFINITY
          : Double.parseDouble(v);
      samples.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>()).put(labels, value);
    }
    return new PrometheusScrape(text, types, samples);
  }
}

package dev.pypiwatch.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An upstream that serves a directory in the layout {@code pypiwatch record} writes
 * ({@code DIR/<package>/<endpoint>.json}): the recorded rows, filtered by the query like the
 * real server, within the 181 days ending yesterday of the simulated today. An absent file
 * answers like the real server for an unknown package (404 from recent/overall, empty 200 from
 * the others); {@code recent.json} is served as recorded.
 */
public final class RecordedUpstream implements Upstream {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Map<Endpoint, List<Bodies.Row>>> series = new TreeMap<>();
  private final Map<String, JsonNode> recent = new TreeMap<>();
  private LocalDate today;

  private RecordedUpstream() {}

  /**
   * Reads {@code dir}. With {@code today} null, today is the day after the newest recorded date,
   * so the whole recording is served.
   *
   * @throws IllegalArgumentException if {@code dir} is not a directory or a file does not parse,
   *     naming the file
   */
  public static RecordedUpstream read(Path dir, LocalDate today) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": not a directory");
    }
    RecordedUpstream up = new RecordedUpstream();
    LocalDate newest = null;
    try (DirectoryStream<Path> packages = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path pkgDir : packages) {
        String name = pkgDir.getFileName().toString();
        if (!PackageName.isValid(name)) {
          continue;
        }
        for (Endpoint e : Endpoint.values()) {
          Path file = pkgDir.resolve(e.path() + ".json");
          if (!Files.isRegularFile(file)) {
            continue;
          }
          JsonNode root = parse(file);
          if (e == Endpoint.RECENT) {
            up.recent.put(name, root);
            continue;
          }
          List<Bodies.Row> rows = rows(file, root);
          for (Bodies.Row r : rows) {
            newest = newest == null || r.date().isAfter(newest) ? r.date() : newest;
          }
          up.series.computeIfAbsent(name, k -> new EnumMap<>(Endpoint.class)).put(e, rows);
        }
        up.recent.computeIfAbsent(name, k -> null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    up.recent.values().removeIf(Objects::isNull);
    up.today = today != null ? today : newest != null ? newest.plusDays(1) : LocalDate.now(java.time.ZoneOffset.UTC);
    return up;
  }

  private static JsonNode parse(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not JSON: " + e.getMessage(), e);
    }
  }

  private static List<Bodies.Row> rows(Path file, JsonNode root) {
    JsonNode data = root.path("data");
    if (!data.isArray()) {
      throw new IllegalArgumentException(file + ": $.data is not an array");
    }
    List<Bodies.Row> rows = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonNode r = data.get(i);
      try {
        JsonNode c = r.path("category");
        rows.add(new Bodies.Row(c.isNull() || c.isMissingNode() ? null : c.asText(),
            LocalDate.parse(r.path("date").asText()), r.path("downloads").asLong()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(file + ": $.data[" + i + "].date: " + e.getParsedString(), e);
      }
    }
    return rows;
  }

  @Override
  public synchronized Answer answer(String pkg, Endpoint endpoint, Map<String, String> query) {
    String name = Bodies.serverName(pkg);
    if (endpoint == Endpoint.RECENT) {
      String period = query.get("period");
      JsonNode r = recent.get(name);
      if (r == null || !Bodies.validPeriod(period)) {
        return Answer.notFound();
      }
      JsonNode d = r.path("data");
      return Answer.json(Bodies.recent(name, figure(d, "last_day"), figure(d, "last_week"), figure(d, "last_month"), period));
    }
    List<Bodies.Row> rows = series.getOrDefault(name, Map.of()).get(endpoint);
    LocalDate newest = today.minusDays(1);
    LocalDate oldest = newest.minusDays(SimulatedUpstream.DEFAULT_WINDOW_DAYS - 1L);
    List<Bodies.Row> visible = rows == null ? List.of()
        : rows.stream().filter(r -> !r.date().isAfter(newest) && !r.date().isBefore(oldest)).toList();
    if (visible.isEmpty() && endpoint == Endpoint.OVERALL) {
      return Answer.notFound();
    }
    return Answer.json(Bodies.series(name, endpoint, visible, Bodies.filter(endpoint, query)));
  }

  private static Long figure(JsonNode data, String field) {
    JsonNode n = data.path(field);
    return n.isNumber() ? n.asLong() : null;
  }

  @Override
  public synchronized LocalDate today() {
    return today;
  }

  @Override
  public synchronized void advance(int days) {
    today = today.plusDays(days);
  }

  @Override
  public synchronized List<String> packages() {
    List<String> names = new ArrayList<>(series.keySet());
    recent.keySet().stream().filter(n -> !series.containsKey(n)).forEach(names::add);
    names.remove(SimulatedUpstream.ALL);
    return List.copyOf(names);
  }
}

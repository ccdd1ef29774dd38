package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Hand-made recorded bodies for tests of {@link RecordingReader} and {@code backtest}. */
public final class RecordedBodies {
  private RecordedBodies() {}

  /**
   * A time-series body of {@code endpoint} with one row per category and day over [{@code first},
   * {@code first + days}); {@code downloads} gives each day's count, a negative one leaves the row
   * out (as the upstream does for a zero or a lost day).
   */
  public static String series(String pkg, Endpoint endpoint, LocalDate first, int days,
      Map<String, ToLongFunction<LocalDate>> downloads) {
    StringBuilder sb = new StringBuilder("{\"data\":[");
    String sep = "";
    for (var category : downloads.entrySet()) {
      for (int d = 0; d < days; d++) {
        LocalDate date = first.plusDays(d);
        long n = category.getValue().applyAsLong(date);
        if (n >= 0) {
          sb.append(sep).append("{\"category\":\"").append(category.getKey()).append("\",\"date\":\"")
              .append(date).append("\",\"downloads\":").append(n).append('}');
          sep = ",";
        }
      }
    }
    return sb.append("],\"package\":\"").append(pkg).append("\",\"type\":\"")
        .append(endpoint.path()).append("_downloads\"}").toString();
  }

  /** Writes {@code body} as {@code dir/<pkg>/<endpoint>.json}. */
  public static Path write(Path dir, String pkg, Endpoint endpoint, String body) throws IOException {
    return new Recording(dir).write(pkg, endpoint, body);
  }

  /** Writes {@code body} as {@code dir/<pkg>/<file>}, whatever the name. */
  public static Path writeFile(Path dir, String pkg, String file, String body) throws IOException {
    Path target = dir.resolve(pkg).resolve(file);
    Files.createDirectories(target.getParent());
    return Files.writeString(target, body);
  }
}

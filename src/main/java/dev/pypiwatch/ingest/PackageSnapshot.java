package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one poll fetched for one package: {@code overall}, {@code python_minor} and {@code system}
 * (each possibly absent), and when.
 *
 * <p>{@code python_major} is not accepted: the planner derives it from {@code python_minor}
 * (the upstream computes both from the same rows), which saves a request under the 30/minute
 * rate limit.
 */
public record PackageSnapshot(Instant fetchedAt, Map<Endpoint, FetchedSeries> series) {
  /** The endpoints a poll fetches. */
  public static final Set<Endpoint> FETCHED =
      Set.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  public PackageSnapshot {
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    series = Map.copyOf(series);
    series.forEach(PackageSnapshot::check);
  }

  /** A snapshot taken at {@code fetchedAt} with nothing fetched yet. */
  public static PackageSnapshot at(Instant fetchedAt) {
    return new PackageSnapshot(fetchedAt, Map.of());
  }

  /** A copy with {@code endpoint}'s answer set to {@code records} from {@code source}. */
  public PackageSnapshot with(Endpoint endpoint, String source, List<DownloadRecord> records) {
    Map<Endpoint, FetchedSeries> copy = new EnumMap<>(Endpoint.class);
    copy.putAll(series);
    copy.put(endpoint, new FetchedSeries(source, records));
    return new PackageSnapshot(fetchedAt, copy);
  }

  /** The answer of {@code endpoint}, empty when absent; an empty answer is returned as is. */
  public Optional<FetchedSeries> get(Endpoint endpoint) {
    return Optional.ofNullable(series.get(endpoint));
  }

  private static void check(Endpoint endpoint, FetchedSeries fetched) {
    if (!FETCHED.contains(endpoint)) {
      throw new IllegalArgumentException("not a polled endpoint: " + endpoint);
    }
    for (DownloadRecord r : fetched.records()) {
      if (r.endpoint() != endpoint) {
        throw new IllegalArgumentException("record of " + r.endpoint() + " under " + endpoint);
      }
    }
  }
}

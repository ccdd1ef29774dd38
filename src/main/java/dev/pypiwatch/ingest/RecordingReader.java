package dev.pypiwatch.ingest;

import dev.pypiwatch.api.InvalidResponseException;
import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads a {@link Recording} (what {@code pypiwatch record} wrote) back as the daily records the
 * poller would have published from the same answers: reported counts plus zero-filled days.
 *
 * <p>Per package directory, {@code <endpoint>.json} for each endpoint of {@link Endpoint}; any of
 * them may be absent. Other files are reported through the warning sink and skipped. A body with
 * {@code "data": []} counts as absent (the upstream's transient empty answer is never zeros).
 * {@code python_major} is the recorded one when it has data, else derived from {@code
 * python_minor} ({@link PythonMajors}). {@code recent.json} is validated but contributes no
 * record.
 *
 * <p>Zero days are filled exactly as the poller fills them ({@link EndpointDecisions}, i.e.
 * {@link MissingDayRule}: a missing row inside the covered range is a zero only where the median
 * of its neighbours is below {@value MissingDayRule#SMALL_LEVEL}/day; elsewhere it stays unknown).
 * Holes (dates missing for everybody) come from the reference package's {@code overall} when it is
 * recorded in the same directory, else from the package's own {@code overall}, as the poller does
 * without a reference.
 *
 * <p>Thread-safe once built: {@link #read} may run for several packages in parallel.
 */
public final class RecordingReader {
  private static final String ENDPOINT_FILES = Arrays.stream(Endpoint.values())
      .map(e -> e.path() + ".json").collect(Collectors.joining(", "));

  private final Recording recording;
  private final Set<LocalDate> referenceHoles;

  private RecordingReader(Recording recording, Set<LocalDate> referenceHoles) {
    this.recording = recording;
    this.referenceHoles = referenceHoles;
  }

  /**
   * A reader of {@code recording}. When {@code referencePackage} (e.g. {@code __all__}) is
   * non-empty and its {@code overall.json} is recorded with data, the dates it lacks are holes for
   * every package.
   *
   * @throws InvalidRecordingException if the root is not a directory or the reference is invalid
   */
  public static RecordingReader open(Recording recording, String referencePackage) {
    Objects.requireNonNull(recording, "recording");
    Path dir = recording.dir();
    if (!Files.exists(dir)) {
      throw new InvalidRecordingException(dir, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidRecordingException(dir, "not a directory");
    }
    Set<LocalDate> holes = null;
    if (referencePackage != null && !referencePackage.isEmpty() && PackageName.isValid(referencePackage)) {
      Path file = recording.file(referencePackage, Endpoint.OVERALL);
      if (Files.isRegularFile(file)) {
        List<DownloadRecord> overall = series(file, referencePackage, Endpoint.OVERALL, s -> { });
        holes = overall.isEmpty() ? null : Set.copyOf(ReferenceSeries.missingDates(overall));
      }
    }
    return new RecordingReader(recording, holes);
  }

  /** True when holes come from a recorded reference package rather than each package's overall. */
  public boolean hasReference() {
    return referenceHoles != null;
  }

  /**
   * The recorded packages: the directories under the root, sorted; hidden entries are ignored and
   * other files are reported to {@code warn} and skipped.
   *
   * @throws InvalidRecordingException if the root cannot be listed or a directory is not named as a
   *     normalized package
   */
  public List<String> packages(Consumer<String> warn) {
    Path dir = recording.dir();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (!Files.isDirectory(entry)) {
          warn.accept(entry + ": not a package directory, skipped");
        } else if (!PackageName.isValid(name) || !PackageName.normalize(name).equals(name)) {
          throw new InvalidRecordingException(entry,
              "not a normalized package name (record writes DIR/<normalized-package>/)");
        } else {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new InvalidRecordingException(dir, "cannot list: " + e.getMessage());
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /**
   * The records of {@code pkg} (a normalized name), sorted by date, endpoint, category.
   *
   * @throws InvalidRecordingException if the package has no directory or no recognized file, or a
   *     file cannot be read or parsed (the message names the file and the JSON path)
   */
  public List<DownloadRecord> read(String pkg, Consumer<String> warn) {
    Map<Endpoint, Path> files = endpointFiles(pkg, warn);
    Map<Endpoint, List<DownloadRecord>> answers = new EnumMap<>(Endpoint.class);
    for (Map.Entry<Endpoint, Path> f : files.entrySet()) {
      if (f.getKey() == Endpoint.RECENT) {
        validateRecent(f.getValue());
      } else {
        List<DownloadRecord> records = series(f.getValue(), pkg, f.getKey(), warn);
        if (!records.isEmpty()) {
          answers.put(f.getKey(), records);
        }
      }
    }
    List<DownloadRecord> minor = answers.get(Endpoint.PYTHON_MINOR);
    if (!answers.containsKey(Endpoint.PYTHON_MAJOR) && minor != null) {
      String source = files.get(Endpoint.PYTHON_MINOR).toString();
      answers.put(Endpoint.PYTHON_MAJOR, PythonMajors.derive(new FetchedSeries(source, minor)).records());
    }
    Set<LocalDate> holes = referenceHoles != null ? referenceHoles
        : ReferenceSeries.missingDates(answers.getOrDefault(Endpoint.OVERALL, List.of()));
    return decide(pkg, answers, holes, warn);
  }

  private Map<Endpoint, Path> endpointFiles(String pkg, Consumer<String> warn) {
    Path dir = recording.dir().resolve(pkg);
    if (!Files.isDirectory(dir)) {
      throw new InvalidRecordingException(dir, "no such package directory");
    }
    Map<Endpoint, Path> files = new EnumMap<>(Endpoint.class);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        Optional<Endpoint> endpoint = name.endsWith(".json")
            ? Endpoint.fromPath(name.substring(0, name.length() - ".json".length()))
            : Optional.empty();
        if (endpoint.isPresent() && Files.isRegularFile(entry)) {
          files.put(endpoint.get(), entry);
        } else if (!name.startsWith(".")) {
          warn.accept(entry + ": not a recorded endpoint (" + ENDPOINT_FILES + "), skipped");
        }
      }
    } catch (IOException e) {
      throw new InvalidRecordingException(dir, "cannot list: " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new InvalidRecordingException(dir, "no recorded endpoint file (expected any of " + ENDPOINT_FILES + ")");
    }
    return files;
  }

  private static List<DownloadRecord> series(Path file, String pkg, Endpoint endpoint, Consumer<String> warn) {
    SeriesResponse response;
    try {
      response = ResponseParser.parseSeries(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InvalidRecordingException(file, "cannot read: " + e.getMessage());
    } catch (InvalidResponseException e) {
      throw new InvalidRecordingException(file, e.getMessage());
    }
    String named = response.packageName();
    if (named != null && (!PackageName.isValid(named) || !PackageName.normalize(named).equals(pkg))) {
      warn.accept(file + ": the body names package '" + named + "', read as " + pkg);
    }
    NormalizedSeries normalized = Normalizer.series(pkg, endpoint, response);
    normalized.rejected().forEach(r -> warn.accept(file + ": row rejected, " + r));
    return normalized.records();
  }

  private static void validateRecent(Path file) {
    try {
      ResponseParser.parseRecent(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InvalidRecordingException(file, "cannot read: " + e.getMessage());
    } catch (InvalidResponseException e) {
      throw new InvalidRecordingException(file, e.getMessage());
    }
  }

  private static List<DownloadRecord> decide(String pkg, Map<Endpoint, List<DownloadRecord>> answers,
      Set<LocalDate> holes, Consumer<String> warn) {
    int n = answers.size();
    Endpoint[] endpoints = new Endpoint[n];
    EndpointDecisions.Decision[][] decided = new EndpointDecisions.Decision[n][];
    int size = 0;
    int e = 0;
    for (Map.Entry<Endpoint, List<DownloadRecord>> answer : answers.entrySet()) {
      EndpointDecisions d = EndpointDecisions.decide(answer.getKey(), answer.getValue(), holes);
      d.warnings.forEach(w -> warn.accept(pkg + ": " + w));
      endpoints[e] = answer.getKey();
      decided[e++] = d.decisions.toArray(new EndpointDecisions.Decision[0]);
      size += d.decisions.size();
    }
    // Each endpoint's decisions come by date (then category) and endpoints in enum order: merging
    // them by date gives (date, endpoint, category) order. Dates compared as epoch days, each
    // computed once: comparing LocalDates was most of this merge's time (JFR of the backtest).
    List<DownloadRecord> out = new ArrayList<>(size);
    long[][] days = new long[n][];
    for (e = 0; e < n; e++) {
      days[e] = epochDays(decided[e]);
    }
    int[] next = new int[n];
    while (true) {
      long day = Long.MAX_VALUE;
      for (e = 0; e < n; e++) {
        day = Math.min(day, days[e][next[e]]);
      }
      if (day == Long.MAX_VALUE) {
        return out;
      }
      for (e = 0; e < n; e++) {
        EndpointDecisions.Decision[] list = decided[e];
        int i = next[e];
        for (; days[e][i] == day; i++) {
          EndpointDecisions.Decision decision = list[i];
          out.add(new DownloadRecord(pkg, endpoints[e], decision.day().series().category(), decision.day().date(),
              decision.downloads()));
        }
        next[e] = i;
      }
    }
  }

  /**
   * The epoch day of each decision, then {@link Long#MAX_VALUE}. The decisions of a day share its
   * date: one conversion a day.
   */
  private static long[] epochDays(EndpointDecisions.Decision[] decisions) {
    long[] days = new long[decisions.length + 1];
    LocalDate last = null;
    long day = 0;
    for (int i = 0; i < decisions.length; i++) {
      LocalDate date = decisions[i].day().date();
      if (date != last) {
        day = date.toEpochDay();
        last = date;
      }
      days[i] = day;
    }
    days[decisions.length] = Long.MAX_VALUE;
    return days;
  }

  /** A recording that cannot be read: the message names the file (or directory) and the problem. */
  public static final class InvalidRecordingException extends RuntimeException {
    private final transient Path file;

    /** A problem with {@code file}. */
    public InvalidRecordingException(Path file, String problem) {
      super(file + ": " + problem);
      this.file = file;
    }

    /** The offending file or directory. */
    public Path file() {
      return file;
    }
  }
}

package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.RecordingReader.InvalidRecordingException;
import dev.pypiwatch.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingReaderTest {
  private static final LocalDate FIRST = LocalDate.of(2026, 1, 1);
  private static final LocalDate DAY_10 = FIRST.plusDays(9);

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private List<DownloadRecord> read(String pkg) {
    return RecordingReader.open(new Recording(dir), "__all__").read(pkg, warnings::add);
  }

  private static ToLongFunction<LocalDate> flat(long n) {
    return d -> n;
  }

  private static ToLongFunction<LocalDate> flatWithout(long n, LocalDate missing) {
    return d -> d.equals(missing) ? -1 : n;
  }

  private static List<DownloadRecord> of(List<DownloadRecord> records, Endpoint e, String category) {
    return records.stream().filter(r -> r.endpoint() == e && r.category().equals(category)).toList();
  }

  @Test
  void readsRealFixturesSortedByDate() throws IOException {
    RecordedBodies.write(dir, "llm", Endpoint.SYSTEM, Fixtures.text("llm_system.json"));
    List<DownloadRecord> records = read("llm");
    assertFalse(records.isEmpty());
    assertTrue(records.stream().allMatch(r -> r.endpoint() == Endpoint.SYSTEM && r.packageName().equals("llm")));
    assertEquals(records.stream().sorted(Comparator.comparing(DownloadRecord::date)).map(DownloadRecord::date).toList(),
        records.stream().map(DownloadRecord::date).toList());
  }

  @Test
  void packageWithOnlyOverallIsRead() throws IOException {
    RecordedBodies.write(dir, "pip", Endpoint.OVERALL,
        Fixtures.text("pip_overall_2018-11-01_2018-11-02_excerpt.json"));
    List<DownloadRecord> records = read("pip");
    assertEquals(List.of(2295765L, 2297591L), records.stream().map(DownloadRecord::downloads).toList());
    assertEquals(List.of("pip"), RecordingReader.open(new Recording(dir), "").packages(warnings::add));
  }

  @Test
  void pythonMajorIsDerivedFromMinorWhenAbsent() throws IOException {
    RecordedBodies.write(dir, "pip", Endpoint.PYTHON_MINOR, Fixtures.text("pip_python_minor_2018-11-01.json"));
    List<DownloadRecord> records = read("pip");
    long minorSum = of(records, Endpoint.PYTHON_MINOR, "2.7").get(0).downloads()
        + of(records, Endpoint.PYTHON_MINOR, "2.6").get(0).downloads();
    assertTrue(of(records, Endpoint.PYTHON_MAJOR, "2").get(0).downloads() >= minorSum);
    assertFalse(of(records, Endpoint.PYTHON_MAJOR, "3").isEmpty());
  }

  @Test
  void recordedPythonMajorWinsOverTheDerivedOne() throws IOException {
    RecordedBodies.write(dir, "p", Endpoint.PYTHON_MINOR,
        RecordedBodies.series("p", Endpoint.PYTHON_MINOR, FIRST, 3, Map.of("3.12", flat(5))));
    RecordedBodies.write(dir, "p", Endpoint.PYTHON_MAJOR,
        RecordedBodies.series("p", Endpoint.PYTHON_MAJOR, FIRST, 3, Map.of("3", flat(99))));
    List<DownloadRecord> major = of(read("p"), Endpoint.PYTHON_MAJOR, "3");
    assertEquals(List.of(99L, 99L, 99L), major.stream().map(DownloadRecord::downloads).toList());
  }

  @Test
  void quietCategoryMissingADayIsZeroFilledButABusyOneStaysUnknown() throws IOException {
    RecordedBodies.write(dir, "quiet", Endpoint.OVERALL, RecordedBodies.series("quiet", Endpoint.OVERALL, FIRST, 20,
        Map.of("with_mirrors", flat(4), "without_mirrors", flatWithout(3, DAY_10))));
    RecordedBodies.write(dir, "busy", Endpoint.OVERALL, RecordedBodies.series("busy", Endpoint.OVERALL, FIRST, 20,
        Map.of("with_mirrors", flat(20_000), "without_mirrors", flatWithout(10_000, DAY_10))));
    List<DownloadRecord> quiet = of(read("quiet"), Endpoint.OVERALL, "without_mirrors");
    assertEquals(20, quiet.size());
    assertEquals(0, quiet.get(9).downloads());
    assertEquals(DAY_10, quiet.get(9).date());
    List<DownloadRecord> busy = of(read("busy"), Endpoint.OVERALL, "without_mirrors");
    assertEquals(19, busy.size());
    assertTrue(busy.stream().noneMatch(r -> r.date().equals(DAY_10)));
  }

  @Test
  void dayMissingFromTheWholePackageIsAHoleUnlessTheReferenceHasIt() throws IOException {
    RecordedBodies.write(dir, "quiet", Endpoint.OVERALL, RecordedBodies.series("quiet", Endpoint.OVERALL, FIRST, 20,
        Map.of("without_mirrors", flatWithout(3, DAY_10))));
    assertEquals(19, read("quiet").size()); // own overall: the missing day could be a hole
    RecordedBodies.write(dir, "__all__", Endpoint.OVERALL, RecordedBodies.series("__all__", Endpoint.OVERALL,
        FIRST, 20, Map.of("without_mirrors", flat(1_000_000))));
    RecordingReader reader = RecordingReader.open(new Recording(dir), "__all__");
    assertTrue(reader.hasReference());
    List<DownloadRecord> records = reader.read("quiet", warnings::add);
    assertEquals(20, records.size());
    assertEquals(0, records.get(9).downloads());
  }

  @Test
  void emptyDataBodyGivesNoRecords() throws IOException {
    RecordedBodies.write(dir, "sugar", Endpoint.PYTHON_MAJOR, Fixtures.text("sugar_python_major_empty.json"));
    assertEquals(List.of(), read("sugar"));
  }

  @Test
  void malformedBodyNamesTheFileAndThePath() throws IOException {
    Path file = RecordedBodies.write(dir, "pip", Endpoint.OVERALL,
        "{\"data\":[{\"category\":\"x\",\"date\":\"2026-01-01\",\"downloads\":\"many\"}]}");
    InvalidRecordingException e = assertThrows(InvalidRecordingException.class, () -> read("pip"));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("data[0].downloads"),
        e.getMessage());
    RecordedBodies.write(dir, "pip", Endpoint.OVERALL, "{\"data\":[");
    assertTrue(assertThrows(InvalidRecordingException.class, () -> read("pip")).getMessage().contains(file.toString()));
  }

  @Test
  void unknownFilesAreWarnedAboutAndSkipped() throws IOException {
    RecordedBodies.write(dir, "pip", Endpoint.OVERALL, Fixtures.text("pip_overall_2018-11-01_2018-11-02_excerpt.json"));
    RecordedBodies.writeFile(dir, "pip", "notes.txt", "hello");
    RecordedBodies.writeFile(dir, "pip", "downloads.json", "{}");
    assertEquals(2, read("pip").size());
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.stream().allMatch(w -> w.contains("not a recorded endpoint")), warnings.toString());
  }

  @Test
  void directoryProblemsAreReported() throws IOException {
    assertTrue(assertThrows(InvalidRecordingException.class,
        () -> RecordingReader.open(new Recording(dir.resolve("nope")), "")).getMessage().contains("no such directory"));
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertTrue(assertThrows(InvalidRecordingException.class,
        () -> RecordingReader.open(new Recording(file), "")).getMessage().contains("not a directory"));
    RecordedBodies.writeFile(dir, "empty", "README", "nothing here");
    InvalidRecordingException e = assertThrows(InvalidRecordingException.class, () -> read("empty"));
    assertTrue(e.getMessage().contains("no recorded endpoint file"), e.getMessage());
    Files.createDirectories(dir.resolve("Not_Normalized"));
    assertThrows(InvalidRecordingException.class,
        () -> RecordingReader.open(new Recording(dir), "").packages(warnings::add));
  }
}

package dev.pypiwatch.cli;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.ingest.Recording;
import dev.pypiwatch.ingest.RecordingReader.InvalidRecordingException;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.rules.Backtest;
import dev.pypiwatch.rules.RulesConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code pypiwatch backtest}: replays recorded responses through the rule engine and prints the alerts. */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Replay responses recorded by 'pypiwatch record' (DIR/<package>/<endpoint>.json) day by day "
          + "through the rule engine and print the alerts it would have sent.",
      "Alerts go to stdout (jsonl: one alert JSON per line, as on the alerts topic; or a table); "
          + "progress and warnings go to stderr. Exit 0 on success, 2 on a bad command line, "
          + "config or recording."
    })
final class BacktestCommand implements Callable<Integer> {
  /** A progress line every this many packages read. */
  static final int PROGRESS_EVERY = 100;

  /** Output formats. */
  enum Format { JSONL, TABLE }

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Directory written by 'pypiwatch record'.")
  Path data;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (rule settings, poller.reference-package); default: built-in defaults.")
  Path config;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", converter = FormatConverter.class,
      description = "jsonl (default) or table.")
  Format format;

  @Option(names = "--from", paramLabel = "DATE", converter = DateConverter.class,
      description = "First date (YYYY-MM-DD) whose alerts are printed; earlier data still feeds the baselines.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", converter = DateConverter.class,
      description = "Last date (YYYY-MM-DD) whose alerts are printed.")
  LocalDate to;

  @Option(names = "--package", paramLabel = "NAME",
      description = "Package to replay (repeatable); default: every package under DIR.")
  List<String> packages = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream err = System.err;
    long started = System.nanoTime();
    if (from != null && to != null && from.isAfter(to)) {
      err.println("backtest: --from " + from + " is after --to " + to);
      return PypiwatchCommand.EXIT_USAGE;
    }
    AppConfig cfg = config == null ? AppConfig.defaults() : CommandConfig.load("backtest", config, false, err);
    if (cfg == null) {
      return PypiwatchCommand.EXIT_USAGE;
    }
    // The same rule settings as the service (global and per package); the config also names the
    // reference package that tells holes from missing days.
    RulesConfig rules = cfg.rules();
    Backtest.Result result;
    try {
      RecordingReader reader = RecordingReader.open(new Recording(data), cfg.poller().referencePackage());
      List<String> names = packageNames(reader, data, packages, err);
      result = replayAll(reader, names, new Backtest(rules), err);
    } catch (InvalidRecordingException | IllegalArgumentException e) {
      err.println("backtest: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    try {
      print(result.alerts());
    } catch (IOException e) {
      err.println("backtest: cannot write the alerts: " + e.getMessage());
      return 1;
    }
    err.printf(Locale.ROOT, "backtest: %d package(s), %d day(s), %d record(s), %d alert(s), %.1f s%n",
        result.packages(), result.days(), result.records(), result.alerts().size(),
        (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** The normalized names of {@code packages}, or every package under {@code data} if none. */
  static List<String> packageNames(RecordingReader reader, Path data, List<String> packages,
      PrintStream err) {
    if (packages.isEmpty()) {
      List<String> all = reader.packages(err::println);
      if (all.isEmpty()) {
        throw new IllegalArgumentException(data + ": no package directory in it");
      }
      return all;
    }
    Set<String> names = new LinkedHashSet<>();
    for (String p : packages) {
      if (!PackageName.isValid(p)) {
        throw new IllegalArgumentException(PackageName.describeInvalid(p));
      }
      names.add(PackageName.normalize(p));
    }
    return new ArrayList<>(names);
  }

  // Packages are independent but for the ecosystem reference: each worker thread reads a package
  // and replays it at once with its own engine (which holds the reference), so only alerts are
  // kept, never every package's records. Results are collected in name order, so the output, the
  // progress lines and the first reported error are deterministic.
  private Backtest.Result replayAll(RecordingReader reader, List<String> names, Backtest backtest,
      PrintStream err) {
    Map<String, List<DownloadRecord>> references = readReferences(reader, names, backtest, err);
    int threads = Math.max(1, Math.min(names.size(), Runtime.getRuntime().availableProcessors()));
    List<Backtest.Replayer> replayers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      replayers.add(backtest.replayer(references, from, to));
    }
    List<CompletableFuture<Backtest.Replayed>> results = new ArrayList<>(names.size());
    names.forEach(n -> results.add(new CompletableFuture<>()));
    AtomicInteger next = new AtomicInteger();
    for (Backtest.Replayer replayer : replayers) {
      Thread worker = new Thread(() -> {
        for (int i = next.getAndIncrement(); i < names.size(); i = next.getAndIncrement()) {
          String name = names.get(i);
          try {
            List<DownloadRecord> records = references.containsKey(name) ? references.get(name)
                : reader.read(name, w -> warn(err, w));
            results.get(i).complete(replayer.replay(name, records));
          } catch (Throwable e) {
            results.get(i).completeExceptionally(e);
            next.set(names.size()); // the first failure ends the run: read no further
          }
        }
      }, "backtest-worker");
      worker.setDaemon(true);
      worker.start();
    }
    List<Backtest.Replayed> replayed = new ArrayList<>(names.size());
    try {
      for (int i = 0; i < names.size(); i++) {
        Backtest.Replayed r = await(results.get(i));
        if (r.records() == 0) {
          warn(err, names.get(i) + ": no daily data (only recent.json or empty answers), nothing to replay");
        }
        replayed.add(r);
        if ((i + 1) % PROGRESS_EVERY == 0 || i + 1 == names.size()) {
          err.printf("backtest: [%d/%d] packages read%n", i + 1, names.size());
        }
      }
    } finally {
      next.set(names.size());
    }
    return Backtest.result(replayed);
  }

  /**
   * The records of the packages that are the ecosystem reference of others, read first: every
   * worker needs them. If one cannot be read, the error reported is still the first in name order.
   */
  private static Map<String, List<DownloadRecord>> readReferences(RecordingReader reader,
      List<String> names, Backtest backtest, PrintStream err) {
    Set<String> wanted = backtest.references(names);
    Map<String, List<DownloadRecord>> references = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (wanted.contains(names.get(i))) {
        try {
          references.put(names.get(i), reader.read(names.get(i), w -> warn(err, w)));
        } catch (RuntimeException e) {
          for (String earlier : names.subList(0, i)) {
            reader.read(earlier, w -> { }); // throws if an earlier package is invalid too
          }
          throw e;
        }
      }
    }
    return references;
  }

  private static void warn(PrintStream err, String warning) {
    synchronized (err) {
      err.println("backtest: warning: " + warning);
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void print(List<Alert> alerts) throws IOException {
    OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    if (format == Format.TABLE) {
      out.write(AlertTable.render(alerts).getBytes(StandardCharsets.UTF_8));
    } else {
      for (Alert a : alerts) {
        out.write(AlertCodec.encode(a));
        out.write('\n');
      }
    }
    out.flush();
    if (System.out.checkError()) {
      throw new IOException("stdout failed");
    }
  }

  /** Parses {@code --format} case-insensitively. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected jsonl or table, got '" + value + "'");
      }
    }
  }

  /** Parses a {@code YYYY-MM-DD} option with a message that says so. */
  static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("expected a date YYYY-MM-DD, got '" + value + "'");
      }
    }
  }
}

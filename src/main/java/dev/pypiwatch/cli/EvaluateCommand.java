package dev.pypiwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.TextFormat;
import dev.pypiwatch.ingest.Recording;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.ingest.RecordingReader.InvalidRecordingException;
import dev.pypiwatch.rules.Evaluation;
import dev.pypiwatch.rules.RecordedDays;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.Sensitivity;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pypiwatch evaluate}: injects spikes and drops into recorded history and prints how the
 * rules find them at each sensitivity, per package and per tier ({@link Evaluation}).
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the rules on your own recorded history ('pypiwatch record' layout): inject one-day "
          + "spikes and week-long drops at seeded random places and print, per package and per "
          + "tier, recall, delay and false episodes per 90 days at rules.sensitivity low, normal "
          + "and high (the configured one marked *), with a recommendation per package.",
      "Results go to stdout (a table, or jsonl); progress and warnings to stderr. Exit 0 on "
          + "success, 2 on a bad command line, config or recording."
    })
final class EvaluateCommand implements Callable<Integer> {
  /** The most false spike and drop episodes per 90 days a recommended level may raise. */
  static final double MAX_FALSE_PER_90 = 1.0;
  /** The most draws of places: each costs a replay per injection, window and level. */
  static final int MAX_DRAWS = 100;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Directory written by 'pypiwatch record'.")
  Path data;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (rules, rules.sensitivity, per-package overrides, "
          + "poller.reference-package); default: built-in defaults.")
  Path config;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "13",
      description = "Seed of the injection places (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--draws", paramLabel = "N", defaultValue = "1",
      description = "Draws of injection places per window, seeds N, N+1, ... from --seed: one "
          + "place per window is one trial per window; 10-20 draws average over where the "
          + "injections land (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--spike", paramLabel = "FACTORS", split = ",", defaultValue = "3,5",
      description = "One-day spike sizes, factors > 1 (default: ${DEFAULT-VALUE}).")
  List<Double> spikes;

  @Option(names = "--drop", paramLabel = "FRACTIONS", split = ",", defaultValue = "0.5,0.2",
      description = "Week-long drop sizes, the fraction of the usual left, > 0 and < 1 "
          + "(default: ${DEFAULT-VALUE}).")
  List<Double> drops;

  @Option(names = "--package", paramLabel = "NAME",
      description = "Package to evaluate (repeatable); default: every package under DIR.")
  List<String> packages = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = BacktestCommand.FormatConverter.class,
      description = "table (default) or jsonl.")
  BacktestCommand.Format format;

  /**
   * One package's results.
   *
   * @param median the median downloads a day of its newest window
   * @param current its configured sensitivity
   * @param outcomes per level, one per window (newest first)
   */
  record PackageResult(String pkg, String tier, double median, int days, Sensitivity current,
      Map<Sensitivity, List<Evaluation.Outcome>> outcomes) {}

  /** One package's result, or the error that stopped it. */
  private record Attempt(Optional<PackageResult> result, RuntimeException error) {}

  @Override
  public Integer call() {
    PrintStream err = System.err;
    long started = System.nanoTime();
    if (draws < 1 || draws > MAX_DRAWS) {
      err.println("evaluate: --draws: between 1 and " + MAX_DRAWS + ", got " + draws);
      return PypiwatchCommand.EXIT_USAGE;
    }
    List<Evaluation.Injection> injections = new ArrayList<>();
    try {
      spikes.forEach(f -> injections.add(Evaluation.Injection.spike(f)));
    } catch (IllegalArgumentException e) {
      err.println("evaluate: --spike: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    try {
      drops.forEach(f -> injections.add(Evaluation.Injection.drop(f)));
    } catch (IllegalArgumentException e) {
      err.println("evaluate: --drop: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    AppConfig cfg = config == null ? AppConfig.defaults()
        : CommandConfig.load("evaluate", config, false, err);
    if (cfg == null) {
      return PypiwatchCommand.EXIT_USAGE;
    }
    List<PackageResult> results;
    try {
      String referencePackage = cfg.poller().referencePackage();
      RecordingReader reader = RecordingReader.open(new Recording(data), referencePackage);
      List<String> names = new ArrayList<>(
          BacktestCommand.packageNames(reader, data, packages, err));
      // The ecosystem reference is replayed with every package, not evaluated itself.
      List<DownloadRecord> reference = List.of();
      boolean listed = names.remove(referencePackage);
      if (!referencePackage.isEmpty() && (listed || reader.hasReference())) {
        reference = reader.read(referencePackage, w -> warn(err, w));
      }
      if (names.isEmpty()) {
        throw new IllegalArgumentException(data + ": no package to evaluate besides the reference "
            + referencePackage);
      }
      List<DownloadRecord> ref = reference;
      RulesConfig rules = cfg.rules();
      // Packages are independent: measured in parallel; results, and the first error, in name
      // order, so the output and the error reported are deterministic.
      AtomicInteger done = new AtomicInteger();
      List<Attempt> attempts = names.parallelStream().map(n -> {
        Attempt a;
        try {
          a = new Attempt(evaluate(n, reader, ref, rules, injections, err), null);
        } catch (RuntimeException e) {
          a = new Attempt(Optional.empty(), e);
        }
        int d = done.incrementAndGet();
        if (d % BacktestCommand.PROGRESS_EVERY == 0 || d == names.size()) {
          synchronized (err) {
            err.printf("evaluate: [%d/%d] packages evaluated%n", d, names.size());
          }
        }
        return a;
      }).toList();
      List<PackageResult> ok = new ArrayList<>();
      for (Attempt a : attempts) {
        if (a.error() != null) {
          throw a.error();
        }
        a.result().ifPresent(ok::add);
      }
      results = ok;
    } catch (InvalidRecordingException | IllegalArgumentException e) {
      err.println("evaluate: " + e.getMessage());
      return PypiwatchCommand.EXIT_USAGE;
    }
    if (results.isEmpty()) {
      err.println("evaluate: " + data + ": no package with at least " + Evaluation.MIN_WINDOW
          + " days of daily data");
      return PypiwatchCommand.EXIT_USAGE;
    }
    System.out.print(format == BacktestCommand.Format.TABLE
        ? table(results, injections) : jsonl(results, injections));
    System.out.flush();
    if (System.out.checkError()) {
      err.println("evaluate: cannot write the results: stdout failed");
      return 1;
    }
    err.printf(Locale.ROOT, "evaluate: %d package(s), %d window(s), seed %d, %d draw(s), %.1f s%n",
        results.size(), results.stream().mapToInt(r -> r.outcomes().get(Sensitivity.NORMAL).size())
            .sum(), seed, draws, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private Optional<PackageResult> evaluate(String pkg, RecordingReader reader,
      List<DownloadRecord> reference, RulesConfig rules, List<Evaluation.Injection> injections,
      PrintStream err) {
    List<DownloadRecord> records = reader.read(pkg, w -> warn(err, w));
    if (records.isEmpty()) {
      warn(err, pkg + ": no daily data (only recent.json or empty answers), skipped");
      return Optional.empty();
    }
    RecordedDays days = RecordedDays.of(pkg, records, reference);
    List<Evaluation.Series> windows = Evaluation.windows(days);
    if (windows.isEmpty()) {
      warn(err, pkg + ": " + days.size() + " day(s) of data, fewer than the "
          + Evaluation.MIN_WINDOW + " an evaluation needs, skipped");
      return Optional.empty();
    }
    Map<Sensitivity, List<Evaluation.Outcome>> outcomes = new EnumMap<>(Sensitivity.class);
    for (Sensitivity level : Sensitivity.values()) {
      RulesConfig at = rules.at(level);
      List<Evaluation.Outcome> list = new ArrayList<>();
      for (int i = 0; i < windows.size(); i++) {
        List<Random> places = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
          places.add(Evaluation.random(seed + d, pkg, i));
        }
        list.add(Evaluation.measure(windows.get(i), at, places, injections));
      }
      outcomes.put(level, list);
    }
    double median = Evaluation.median(windows.get(0));
    return Optional.of(new PackageResult(pkg, Evaluation.tier(median), median, days.size(),
        rules.sensitivityOf(pkg), outcomes));
  }

  /**
   * Among the levels whose false episodes stay at most {@link #MAX_FALSE_PER_90} per 90 days, the
   * one with the best mean recall (over the injections), the less sensitive on a tie; empty if even
   * {@code low} raises more.
   */
  static Optional<Sensitivity> recommended(Map<Sensitivity, Evaluation.Score> scores) {
    Optional<Sensitivity> best = Optional.empty();
    for (Sensitivity level : List.of(Sensitivity.LOW, Sensitivity.NORMAL, Sensitivity.HIGH)) {
      Evaluation.Score s = scores.get(level);
      if (s.falsePer90() <= MAX_FALSE_PER_90
          && (best.isEmpty() || meanRecall(s) > meanRecall(scores.get(best.get())))) {
        best = Optional.of(level);
      }
    }
    return best;
  }

  /** The mean recall of the injections that were made (0 if none was). */
  static double meanRecall(Evaluation.Score s) {
    return s.tallies().stream().mapToDouble(Evaluation.Tally::recall).filter(r -> !Double.isNaN(r))
        .average().orElse(0);
  }

  private static Map<Sensitivity, Evaluation.Score> scores(List<Evaluation.Injection> injections,
      Map<Sensitivity, List<Evaluation.Outcome>> outcomes) {
    Map<Sensitivity, Evaluation.Score> out = new EnumMap<>(Sensitivity.class);
    outcomes.forEach((level, list) -> out.put(level, Evaluation.Score.of(injections, list)));
    return out;
  }

  /** Per tier and level, the outcomes of every window of its packages. */
  private static Map<String, Map<Sensitivity, List<Evaluation.Outcome>>> byTier(
      List<PackageResult> results) {
    Map<String, Map<Sensitivity, List<Evaluation.Outcome>>> out = new java.util.LinkedHashMap<>();
    for (String tier : Evaluation.TIERS) {
      for (PackageResult r : results) {
        if (r.tier().equals(tier)) {
          Map<Sensitivity, List<Evaluation.Outcome>> m =
              out.computeIfAbsent(tier, t -> new EnumMap<>(Sensitivity.class));
          r.outcomes().forEach((level, list) ->
              m.computeIfAbsent(level, l -> new ArrayList<>()).addAll(list));
        }
      }
    }
    return out;
  }

  // --- table ------------------------------------------------------------------------------

  static String table(List<PackageResult> results, List<Evaluation.Injection> injections) {
    List<String> header = new ArrayList<>(List.of("PACKAGE", "TIER", "MEDIAN/DAY", "WINDOWS",
        "SENSITIVITY"));
    injections.forEach(in -> header.add(heading(in)));
    header.add("FALSE/90D");
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    StringBuilder advice = new StringBuilder();
    for (PackageResult r : results) {
      Map<Sensitivity, Evaluation.Score> scores = scores(injections, r.outcomes());
      for (Sensitivity level : Sensitivity.values()) {
        rows.add(row(r.pkg(), r.tier(), Double.isNaN(r.median()) ? "-" : TextFormat.count(r.median()), level,
            level == r.current(), scores.get(level)));
      }
      advice.append(advice(r, scores)).append('\n');
    }
    StringBuilder sb = new StringBuilder(align(rows, java.util.Set.of(0, 1, 4))).append('\n');
    List<List<String>> tiers = new ArrayList<>();
    List<String> tierHeader = new ArrayList<>(header);
    tierHeader.set(0, "TIER");
    tierHeader.set(1, "PACKAGES");
    tierHeader.remove(2);
    tiers.add(tierHeader);
    byTier(results).forEach((tier, outcomes) -> {
      long n = results.stream().filter(r -> r.tier().equals(tier)).count();
      Map<Sensitivity, Evaluation.Score> scores = scores(injections, outcomes);
      for (Sensitivity level : Sensitivity.values()) {
        List<String> row = row(tier, Long.toString(n), "", level, false, scores.get(level));
        row.remove(2);
        tiers.add(row);
      }
    });
    sb.append(align(tiers, java.util.Set.of(0, 3))).append('\n').append(advice);
    sb.append("* the configured sensitivity. Spike recall: an alert on the spike's day; drop "
        + "recall: within 7 days (mean days to the alert in parentheses).\n");
    return sb.toString();
  }

  private static List<String> row(String name, String tier, String median, Sensitivity level,
      boolean current, Evaluation.Score score) {
    List<String> row = new ArrayList<>(List.of(name, tier, median,
        Integer.toString(score.windows()), level.label() + (current ? "*" : "")));
    for (Evaluation.Tally t : score.tallies()) {
      String recall = Double.isNaN(t.recall()) ? "-" : fixed(t.recall(), 2);
      row.add(t.injection().kind() == Evaluation.Kind.DROP && !Double.isNaN(t.meanDelay())
          ? recall + " (" + fixed(t.meanDelay(), 1) + " d)" : recall);
    }
    row.add(Double.isNaN(score.falsePer90()) ? "-" : fixed(score.falsePer90(), 2));
    return row;
  }

  private static String advice(PackageResult r, Map<Sensitivity, Evaluation.Score> scores) {
    Optional<Sensitivity> best = recommended(scores);
    if (best.isEmpty()) {
      return r.pkg() + ": even low raises " + fixed(scores.get(Sensitivity.LOW).falsePer90(), 2)
          + " false episodes per 90 days: raise rules.spike.z / rules.drop.z for it, or keep its "
          + "alerts off";
    }
    Sensitivity s = best.get();
    return r.pkg() + ": recommended rules.sensitivity: " + s.label()
        + (s == r.current() ? " (as configured)" : " (configured: " + r.current().label() + ")")
        + ": mean recall " + fixed(meanRecall(scores.get(s)), 2) + " at "
        + fixed(scores.get(s).falsePer90(), 2) + " false episodes per 90 days (the best recall "
        + "with at most " + fixed(MAX_FALSE_PER_90, 0) + ")";
  }

  /** {@code SPIKE x3}, {@code DROP 50%}. */
  private static String heading(Evaluation.Injection in) {
    String label = label(in);
    int space = label.indexOf(' ');
    return label.substring(0, space).toUpperCase(Locale.ROOT) + label.substring(space);
  }

  /** {@code spike x3}, {@code drop 50%}. */
  static String label(Evaluation.Injection in) {
    return in.kind() == Evaluation.Kind.SPIKE ? "spike x" + plain(in.size())
        : "drop " + plain(in.size() * 100) + "%";
  }

  private static String plain(double v) {
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /**
   * Columns two spaces apart: those in {@code left} (words) left-aligned, the numbers right-aligned.
   */
  private static String align(List<List<String>> rows, java.util.Set<Integer> left) {
    int[] widths = new int[rows.get(0).size()];
    rows.forEach(row -> {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    });
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String pad = " ".repeat(widths[i] - row.get(i).length());
        line.append(left.contains(i) ? row.get(i) + pad : pad + row.get(i)).append("  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  // --- jsonl ------------------------------------------------------------------------------

  private static final ObjectMapper JSON = new ObjectMapper();

  static String jsonl(List<PackageResult> results, List<Evaluation.Injection> injections) {
    StringBuilder sb = new StringBuilder();
    for (PackageResult r : results) {
      Map<Sensitivity, Evaluation.Score> scores = scores(injections, r.outcomes());
      Optional<Sensitivity> best = recommended(scores);
      for (Sensitivity level : Sensitivity.values()) {
        ObjectNode o = JSON.createObjectNode().put("scope", "package").put("package", r.pkg())
            .put("tier", r.tier());
        number(o, "median", r.median());
        o.put("days", r.days());
        o.put("sensitivity", level.label()).put("configured", level == r.current())
            .put("recommended", best.map(level::equals).orElse(false));
        sb.append(score(o, scores.get(level))).append('\n');
      }
    }
    byTier(results).forEach((tier, outcomes) -> {
      Map<Sensitivity, Evaluation.Score> scores = scores(injections, outcomes);
      for (Sensitivity level : Sensitivity.values()) {
        ObjectNode o = JSON.createObjectNode().put("scope", "tier").put("tier", tier)
            .put("packages", results.stream().filter(r -> r.tier().equals(tier)).count())
            .put("sensitivity", level.label());
        sb.append(score(o, scores.get(level))).append('\n');
      }
    });
    return sb.toString();
  }

  private static String score(ObjectNode o, Evaluation.Score s) {
    o.put("windows", s.windows());
    ArrayNode list = o.putArray("injections");
    for (Evaluation.Tally t : s.tallies()) {
      ObjectNode i = list.addObject().put("kind", t.injection().kind().name().toLowerCase(Locale.ROOT))
          .put("size", t.injection().size()).put("label", label(t.injection()))
          .put("trials", t.trials()).put("found", t.found());
      number(i, "recall", t.recall());
      number(i, "mean-delay-days", t.meanDelay());
    }
    o.put("false-episodes", s.falseEpisodes()).put("counted-days", s.countedDays());
    number(o, "false-per-90-days", s.falsePer90());
    return o.toString();
  }

  private static void number(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static void warn(PrintStream err, String warning) {
    synchronized (err) {
      err.println("evaluate: warning: " + warning);
    }
  }
}

package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps every package's daily series (the days its rules can still look back on) and turns new
 * days into alert transitions. Pure: no I/O, no clock; the same input gives the same alerts (the
 * rule verticle and {@code backtest} share it).
 * Not thread-safe: one owner feeds and evaluates it.
 *
 * <p>Rules: {@code spike}, {@code drop}, {@code python-shift} (python_minor and python_major, with
 * {@code python-crossing} and {@code python-new}), {@code os-shift} (with {@code os-crossing}),
 * {@code milestone}, {@code trend}; see {@code docs/detection.md}. Fingerprints are readable, e.g.
 * {@code spike:pip:overall:without_mirrors} (see {@link Fingerprints}).
 */
public final class RuleEngine implements AlertSource {
  /**
   * Days kept beyond the rules' look-back ({@link RulesConfig#lookBackDays}) behind the last
   * evaluated day: the margin the downloads topic keeps for a rebuild ({@code
   * TopicAdmin.REBUILD_MARGIN}), so a running engine judges on no less than a restarted one.
   */
  static final int KEPT_MARGIN_DAYS = 30;

  private final RulesConfig config;
  /** Days of counts kept behind the next day to evaluate; older ones are forgotten. */
  private final int keptDays;
  /**
   * The ecosystem references (drop rule): other packages read their days at their own pace (a
   * backtest replays each package from its first day), so theirs are kept whole.
   */
  private final Set<String> references;
  private final Map<String, PackageHistory> histories = new HashMap<>();
  private final Map<String, LocalDate> evaluated = new HashMap<>();
  private final Map<String, Long> milestones = new HashMap<>();
  // Packages whose milestone level was taken from their held history once in this engine.
  private final Set<String> milestonesFromHistory = new HashSet<>();
  private final Lifecycle lifecycle = new Lifecycle();
  // The package last recorded and its history: records come a package at a time, so most skip the
  // map. Cleared whenever a history is replaced or dropped.
  private String lastRecorded;
  private PackageHistory lastHistory;
  /** The rules an engine evaluates every day (milestones aside); pure, so shared. */
  static final List<Rule> RULES = List.of(
      new SpikeRule(),
      new DropRule(),
      new ShareShiftRule("python-shift", "python", Endpoint.PYTHON_MINOR, RuleSettings::pythonShift),
      new ShareShiftRule("python-shift", "python", Endpoint.PYTHON_MAJOR, RuleSettings::pythonShift),
      new ShareShiftRule("os-shift", "os", Endpoint.SYSTEM, RuleSettings::osShift),
      new TrendRule());
  private final List<Rule> rules = RULES;
  // Each rule's scopes, built once: a rule's are fixed, and asking it built them every evaluated day.
  private final List<Set<String>> scopes = rules.stream().map(Rule::scopes).toList();
  /** The union of the scopes of each set of rules (a bit a rule), made when first needed. */
  @SuppressWarnings("unchecked")
  private final Set<String>[] judgedScopes = new Set[1 << rules.size()];

  /** An engine with the given rule settings (global and per package). */
  public RuleEngine(RulesConfig config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.keptDays = config.lookBackDays() + KEPT_MARGIN_DAYS;
    this.references = config.referencePackages();
  }

  /**
   * Records one published count (reported or zero-filled). A later count for the same
   * (package, endpoint, category, date) replaces the earlier one (an upstream revision). A date
   * never recorded is unknown (an upstream hole), never zero. A record more than the rules'
   * look-back + {@value #KEPT_MARGIN_DAYS} days behind the package's last evaluated day is
   * ignored: no evaluation to come reads it (the ecosystem reference's are kept).
   */
  public void record(DownloadRecord record) {
    String pkg = record.packageName();
    if (!pkg.equals(lastRecorded)) {
      lastHistory = histories.computeIfAbsent(pkg, p -> new PackageHistory());
      lastRecorded = pkg;
    }
    lastHistory.put(record);
  }

  /**
   * Evaluates {@code pkg}'s dates after the last evaluated one up to and including {@code through},
   * in ascending order, each date once, and returns the alert transitions (firing / resolved).
   * Without an earlier evaluation it starts at the package's first recorded date (call {@link
   * #markEvaluatedThrough} first to skip history). A date whose data is unknown when evaluated is
   * skipped for good: call this only up to the newest date the poller has for every package.
   */
  public List<Alert> evaluateThrough(String pkg, LocalDate through) {
    PackageHistory h = histories.get(pkg);
    Optional<LocalDate> first = h == null ? Optional.empty() : h.firstDate();
    if (first.isEmpty()) {
      return List.of();
    }
    LocalDate start = evaluated.containsKey(pkg) ? evaluated.get(pkg).plusDays(1) : first.get();
    List<Alert> out = new ArrayList<>();
    for (LocalDate d = start; !d.isAfter(through); d = d.plusDays(1)) {
      out.addAll(evaluateDay(pkg, h, d));
    }
    if (!start.isAfter(through)) {
      evaluated.put(pkg, through);
      if (!references.contains(pkg)) {
        // The next evaluated day looks back at most lookBackDays: older counts only cost heap.
        h.dropBefore(Math.toIntExact(through.toEpochDay()) + 1 - keptDays);
      }
    }
    return out;
  }

  /** The last date evaluated for {@code pkg}, if any. */
  public Optional<LocalDate> evaluatedThrough(String pkg) {
    return Optional.ofNullable(evaluated.get(pkg));
  }

  /**
   * Marks {@code pkg}'s dates up to {@code through} as evaluated without producing alerts: after a
   * restart, days whose alerts were already published are not evaluated again. Never moves back.
   */
  public void markEvaluatedThrough(String pkg, LocalDate through) {
    evaluated.merge(pkg, through, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * Restores the lifecycle from the last transition of each fingerprint (e.g. read back from the
   * alerts topic), so an ongoing condition does not fire again and a resolution is not lost: a
   * firing one stays firing, a resolved one starts its cooldown at its date, a milestone is not
   * reported again.
   */
  public void restore(Collection<Alert> lastTransitions) {
    List<Alert> lifecycled = new ArrayList<>();
    for (Alert a : lastTransitions) {
      Optional<Long> level = MilestoneRule.levelOf(a);
      if (level.isPresent()) {
        milestones.merge(a.packageName(), level.get(), Math::max);
      } else {
        lifecycled.add(a);
      }
    }
    lifecycle.restore(lifecycled);
  }

  /** What is kept for {@code pkg} besides its alerts' lifecycle; empty if nothing is. */
  @Override
  public Optional<PackageState> exportState(String pkg) {
    PackageHistory h = histories.get(pkg);
    if (h == null && !evaluated.containsKey(pkg)) {
      return Optional.empty();
    }
    return Optional.of(new PackageState(evaluated.get(pkg), milestones.get(pkg), milestonesFromHistory.contains(pkg),
        h == null ? Integer.MAX_VALUE : h.firstDay(), h == null ? Integer.MIN_VALUE : h.keptFrom(),
        h == null ? List.of() : h.export()));
  }

  /**
   * Replaces what is kept for {@code pkg} (not its lifecycle, see {@link #restore}) by {@code state},
   * from {@link #exportState}: the engine then evaluates its next days as the exporting one would
   * have.
   */
  @Override
  public void importState(String pkg, PackageState state) {
    lastRecorded = null;
    histories.put(pkg, PackageHistory.restored(state));
    if (state.evaluatedThrough() != null) {
      evaluated.put(pkg, state.evaluatedThrough());
    } else {
      evaluated.remove(pkg);
    }
    if (state.milestone() != null) {
      milestones.put(pkg, state.milestone());
    } else {
      milestones.remove(pkg);
    }
    if (state.milestoneFromHistory()) {
      milestonesFromHistory.add(pkg);
    } else {
      milestonesFromHistory.remove(pkg);
    }
  }

  /** Drops everything kept for {@code pkg}: its data, how far it was evaluated, its alert states. */
  @Override
  public void forget(String pkg) {
    lastRecorded = null;
    histories.remove(pkg);
    evaluated.remove(pkg);
    milestones.remove(pkg);
    milestonesFromHistory.remove(pkg);
    lifecycle.forget(pkg);
  }

  /**
   * Bytes of the arrays kept for {@code pkg}'s series (counts, memoized medians, sorted windows),
   * from their lengths; 0 if none. The bulk of a package's heap, but not all of it (objects and
   * maps around them): a deterministic figure for checks that must not depend on a GC.
   */
  public long footprintBytes(String pkg) {
    PackageHistory h = histories.get(pkg);
    return h == null ? 0 : h.bytes();
  }

  /** The packages that have any recorded data. */
  public Set<String> packages() {
    return new TreeSet<>(histories.keySet());
  }

  /** The alerts of {@code pkg} firing now (their firing transition). */
  public List<Alert> firing(String pkg) {
    return lifecycle.firing(pkg);
  }

  RulesConfig config() {
    return config;
  }

  private List<Alert> evaluateDay(String pkg, PackageHistory h, LocalDate d) {
    RuleSettings s = config.forPackage(pkg);
    Rule.Day day = new Rule.Day(pkg, h, reference(pkg, s), d, s);
    int judgedRules = 0;
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Optional<List<Finding>> f = rules.get(i).evaluate(day);
      if (f.isPresent()) {
        judgedRules |= 1 << i;
        findings.addAll(f.get());
      }
    }
    Set<String> judged = judgedScopes(judgedRules);
    List<Alert> out = new ArrayList<>(lifecycle.step(pkg, d, judged, findings, r -> episodes(s, r)));
    milestone(day).ifPresent(out::add);
    // Only firing transitions get a context; computed for them alone, so backtests stay as fast.
    return DayContext.explain(day, out);
  }

  /**
   * The scopes of the rules whose bits are set in {@code judgedRules}, made once for each set of
   * rules: most days every rule judges, and a set built every day was a visible share of a
   * backtest's samples.
   */
  private Set<String> judgedScopes(int judgedRules) {
    Set<String> judged = judgedScopes[judgedRules];
    if (judged == null) {
      Set<String> union = new HashSet<>();
      for (int i = 0; i < rules.size(); i++) {
        if ((judgedRules & (1 << i)) != 0) {
          union.addAll(scopes.get(i));
        }
      }
      judged = Set.copyOf(union);
      judgedScopes[judgedRules] = judged;
    }
    return judged;
  }

  private PackageHistory reference(String pkg, RuleSettings s) {
    String ref = s.drop().referencePackage();
    return ref.isEmpty() || ref.equals(pkg) ? null : histories.get(ref);
  }

  private Optional<Alert> milestone(Rule.Day day) {
    String category = day.settings().spike().category();
    DailySeries series = day.history().series(Endpoint.OVERALL, category);
    if (!day.settings().milestone().enabled() || !series.has(day.epochDay())) {
      return Optional.empty();
    }
    double total = MilestoneRule.total(series, day.date());
    if (Double.isNaN(total)) {
      return Optional.empty();
    }
    long level = MilestoneRule.level(total, day.settings().milestone());
    if (milestonesFromHistory.add(day.pkg())) {
      // A restarted engine starts from the days it holds, as the one that evaluated them did: the
      // first day it evaluates may be the day a level is crossed.
      MilestoneRule.highestBefore(series, day.date(), day.settings().milestone())
          .ifPresent(l -> milestones.merge(day.pkg(), l, Math::max));
    }
    Long before = milestones.put(day.pkg(), level);
    if (before == null || level <= before) {
      // The first level seen is where we start, not news; a fall keeps the highest level.
      milestones.put(day.pkg(), before == null ? level : before);
      return Optional.empty();
    }
    return Optional.of(Lifecycle.alert(day.pkg(), day.date(),
        MilestoneRule.finding(day.pkg(), category, day.date(), total, level)));
  }

  /**
   * A drop held back by its cooldown is reported when the cooldown ends if the fall is still there
   * (a lasting fall is news, a flap is not), and a fall from a new level at once; the other rules'
   * episodes are held back for as long as they last (a share shift's tail would repeat it).
   */
  private static Lifecycle.Episodes episodes(RuleSettings s, String rule) {
    Duration cooldown = cooldown(s, rule);
    return rule.equals(DropRule.NAME) ? new Lifecycle.Episodes(cooldown, true, DropRule.NEW_LEVEL)
        : Lifecycle.Episodes.cooldown(cooldown);
  }

  private static Duration cooldown(RuleSettings s, String rule) {
    if (rule.startsWith("python-")) {
      return s.pythonShift().cooldown();
    }
    if (rule.startsWith("os-")) {
      return s.osShift().cooldown();
    }
    return switch (rule) {
      case SpikeRule.NAME -> s.spike().cooldown();
      case DropRule.NAME -> s.drop().cooldown();
      case TrendRule.NAME -> s.trend().cooldown();
      default -> Duration.ZERO;
    };
  }
}

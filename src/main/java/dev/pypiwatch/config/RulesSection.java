package dev.pypiwatch.config;

import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.rules.DropSettings;
import dev.pypiwatch.rules.Holidays;
import dev.pypiwatch.rules.MilestoneSettings;
import dev.pypiwatch.rules.RuleSettings;
import dev.pypiwatch.rules.Sensitivity;
import dev.pypiwatch.rules.ShiftSettings;
import dev.pypiwatch.rules.SpikeSettings;
import dev.pypiwatch.rules.TrendSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds a {@code rules:} mapping (the top-level section, or a watchlist entry's overrides) into
 * {@link RuleSettings}; absent keys take the given defaults.
 */
final class RulesSection {
  static final String KEY = "rules";

  private static final ValueType<Double> POSITIVE = number("a number > 0", 0, false, 1e12);
  private static final ValueType<Double> FRACTION = number("a number > 0 and <= 1", 0, false, 1);
  private static final ValueType<Double> PERCENT = number("a percentage > 0 and <= 100", 0, false, 100);
  private static final ValueType<Double> PERCENT_OR_ZERO =
      number("a percentage >= 0 and <= 100", 0, true, 100);
  private static final ValueType<Double> RATIO = number("a number >= 1", 1, true, 1e12);
  private static final ValueType<Long> COUNT =
      new ValueType<>("an integer >= 0", s -> {
        try {
          long n = Long.parseLong(s);
          if (n >= 0) {
            return n;
          }
        } catch (NumberFormatException e) {
          // falls through to the message below
        }
        throw new IllegalArgumentException(ValueType.message("an integer >= 0", BindContext.quote(s)));
      });
  private static final ValueType<String> CATEGORY =
      new ValueType<>("without_mirrors or with_mirrors", s -> {
        if (s.equals("without_mirrors") || s.equals("with_mirrors")) {
          return s;
        }
        throw new IllegalArgumentException(
            ValueType.message("without_mirrors or with_mirrors", BindContext.quote(s)));
      });
  private static final ValueType<String> REFERENCE =
      new ValueType<>("a package name, __all__, or an empty string", s -> {
        if (!s.isEmpty() && !PackageName.isValid(s)) {
          throw new IllegalArgumentException(PackageName.describeInvalid(s));
        }
        return s.isEmpty() ? s : PackageName.normalize(s);
      });

  private static final ValueType<String> HOLIDAY =
      new ValueType<>("a holiday", s -> {
        Holidays.parse(List.of(s)); // throws with the accepted forms
        return s;
      });

  private static final ValueType<Sensitivity> SENSITIVITY =
      new ValueType<>(Sensitivity.expected(), s -> {
        try {
          return Sensitivity.parse(s);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              ValueType.message(Sensitivity.expected(), BindContext.quote(s)));
        }
      });

  /**
   * A bound {@code rules:} mapping.
   *
   * @param settings the rule settings as written
   * @param sensitivity its {@code sensitivity} key; empty if absent (or invalid: the error is recorded)
   */
  record Bound(RuleSettings settings, Optional<Sensitivity> sensitivity) {}

  private RulesSection() {}

  /** The top-level section, with the built-in defaults. */
  static Bound bind(MappingReader m) {
    return bind(m, RuleSettings.DEFAULTS);
  }

  /** A mapping of rule sections (and {@code sensitivity}) whose absent keys take {@code d}. */
  static Bound bind(MappingReader m, RuleSettings d) {
    return new Bound(settings(m, d), m.optional("sensitivity", SENSITIVITY));
  }

  private static RuleSettings settings(MappingReader m, RuleSettings d) {
    SpikeSettings spike = m.section("spike", s -> spike(s, d.spike()));
    DropSettings drop = m.section("drop", s -> drop(s, d.drop()));
    ShiftSettings python = m.section("python-shift", s -> shift(s, d.pythonShift(), true));
    ShiftSettings os = m.section("os-shift", s -> shift(s, d.osShift(), false));
    MilestoneSettings milestone = m.section("milestone", s -> milestone(s, d.milestone()));
    TrendSettings trend = m.section("trend", s -> trend(s, d.trend()));
    return new RuleSettings(spike, drop, python, os, milestone, trend);
  }

  private static SpikeSettings spike(MappingReader m, SpikeSettings d) {
    return new SpikeSettings(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("category", CATEGORY, d.category()),
        m.get("z", POSITIVE, d.z()),
        m.get("weeks", ValueType.POSITIVE_INT, d.weeks()),
        m.get("scale-floor", POSITIVE, d.scaleFloor()),
        m.get("min-volume", COUNT, d.minVolume()),
        m.get("min-increase", COUNT, d.minIncrease()),
        m.get("min-ratio", RATIO, d.minRatio()),
        m.get("cooldown", ValueType.duration(true), d.cooldown()));
  }

  private static DropSettings drop(MappingReader m, DropSettings d) {
    return new DropSettings(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("z", POSITIVE, d.z()),
        m.get("days", ValueType.POSITIVE_INT, d.days()),
        m.get("max-ratio", FRACTION, d.maxRatio()),
        m.get("min-volume", COUNT, d.minVolume()),
        m.get("reference-package", REFERENCE, d.referencePackage()),
        m.get("reference-max-ratio", FRACTION, d.referenceMaxRatio()),
        holidays(m).orElse(d.holidays()),
        m.get("holiday-max-ratio", FRACTION, d.holidayMaxRatio()),
        m.get("cooldown", ValueType.duration(true), d.cooldown()));
  }

  private static Optional<Holidays> holidays(MappingReader m) {
    return m.items("holidays", "a list such as [christmas, thanksgiving, easter, 05-01]")
        .map(items -> {
          List<String> out = new ArrayList<>();
          for (int i = 0; i < items.size(); i++) {
            m.context().scalar(items.get(i), m.itemPath("holidays", i), HOLIDAY, false)
                .ifPresent(out::add);
          }
          return Holidays.parse(out);
        });
  }

  private static ShiftSettings shift(MappingReader m, ShiftSettings d, boolean python) {
    boolean enabled = m.get("enabled", ValueType.BOOLEAN, d.enabled());
    double points = m.get("min-points", PERCENT, d.minPoints());
    double z = m.get("z", POSITIVE, d.z());
    long minDownloads = m.get("min-downloads", COUNT, d.minDownloads());
    int recent = m.get("recent-days", ValueType.POSITIVE_INT, d.recentDays());
    int baseline = m.get("baseline-days", ValueType.POSITIVE_INT, d.baselineDays());
    List<Double> crossings = crossings(m).orElse(d.crossings());
    // Only Python versions appear for the first time; an operating system is not news.
    double newShare = python
        ? m.get("new-version-share", PERCENT_OR_ZERO, d.newCategoryShare())
        : d.newCategoryShare();
    Duration cooldown = m.get("cooldown", ValueType.duration(true), d.cooldown());
    return new ShiftSettings(enabled, points, z, minDownloads, recent, baseline, crossings,
        newShare, cooldown);
  }

  private static Optional<List<Double>> crossings(MappingReader m) {
    return m.items("crossings", "a list of percentages such as [25, 50]").map(items -> {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        m.context().scalar(items.get(i), m.itemPath("crossings", i), PERCENT, false)
            .ifPresent(out::add);
      }
      return out;
    });
  }

  private static MilestoneSettings milestone(MappingReader m, MilestoneSettings d) {
    boolean enabled = m.get("enabled", ValueType.BOOLEAN, d.enabled());
    long min = m.get("min-level", COUNT, d.minLevel());
    if (min < 1 || Long.toString(min).matches("10*") == false) {
      m.error("min-level", "expected a power of ten such as 1000, got '" + min + "'");
      min = d.minLevel();
    }
    return new MilestoneSettings(enabled, min);
  }

  private static TrendSettings trend(MappingReader m, TrendSettings d) {
    return new TrendSettings(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("percent", PERCENT, d.percent()),
        m.get("min-volume", COUNT, d.minVolume()),
        m.get("cooldown", ValueType.duration(true), d.cooldown()));
  }

  /** A finite number in (min, max], or [min, max] with {@code minIncluded}. */
  private static ValueType<Double> number(String expected, double min, boolean minIncluded,
      double max) {
    return new ValueType<>(expected, s -> {
      try {
        double v = Double.parseDouble(s);
        boolean aboveMin = minIncluded ? v >= min : v > min;
        if (Double.isFinite(v) && aboveMin && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new IllegalArgumentException(ValueType.message(expected, BindContext.quote(s)));
    });
  }
}

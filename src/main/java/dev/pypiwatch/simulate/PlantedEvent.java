package dev.pypiwatch.simulate;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * A change planted in a simulated package's true counts, for demos and detection tests: the rule
 * engine should report each of them (see {@code docs/simulate.md}).
 */
public sealed interface PlantedEvent {

  /** The first day the event shows in the counts. */
  LocalDate first();

  /** The rule that should report it: {@code spike}, {@code drop}, {@code python-shift}, {@code os-shift}. */
  String rule();

  /** One line for people: what happens when. */
  String describe();

  /** The day's total is multiplied by {@code factor} (e.g. 5: five times the usual day). */
  record Spike(LocalDate first, double factor) implements PlantedEvent {
    public Spike {
      Objects.requireNonNull(first, "first");
    }

    @Override
    public String rule() {
      return "spike";
    }

    @Override
    public String describe() {
      return "spike x" + trim(factor) + " on " + first;
    }
  }

  /** {@code days} days from {@code first} fall to {@code factor} of the usual (e.g. 0.3). */
  record Drop(LocalDate first, int days, double factor) implements PlantedEvent {
    public Drop {
      Objects.requireNonNull(first, "first");
    }

    /** True if {@code d} is one of the dropped days. */
    public boolean covers(LocalDate d) {
      return !d.isBefore(first) && d.isBefore(first.plusDays(days));
    }

    @Override
    public String rule() {
      return "drop";
    }

    @Override
    public String describe() {
      return "drop to " + Math.round(factor * 100) + " % for " + days + " days from " + first;
    }
  }

  /** From {@code first} on, the Python minors are split by {@code minorShares} (raw categories). */
  record PythonShift(LocalDate first, Map<String, Double> minorShares) implements PlantedEvent {
    public PythonShift {
      Objects.requireNonNull(first, "first");
      minorShares = Map.copyOf(minorShares);
    }

    @Override
    public String rule() {
      return "python-shift";
    }

    @Override
    public String describe() {
      return "python minors shift from " + first + " to " + Profile.percent(minorShares);
    }
  }

  /** From {@code first} on, the systems are split by {@code osShares} (raw categories). */
  record OsShift(LocalDate first, Map<String, Double> osShares) implements PlantedEvent {
    public OsShift {
      Objects.requireNonNull(first, "first");
      osShares = Map.copyOf(osShares);
    }

    @Override
    public String rule() {
      return "os-shift";
    }

    @Override
    public String describe() {
      return "systems shift from " + first + " to " + Profile.percent(osShares);
    }
  }

  private static String trim(double x) {
    return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
  }
}

package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the rule engine keeps for one package, besides its alerts' lifecycle: its counts still
 * within the rules' look-back, how far it was evaluated, its milestone level. The rule stage's
 * changelog holds one per package ({@link RuleStateCodec}), so a restarted stage continues from it
 * as the running one would have instead of replaying the downloads topic.
 *
 * @param evaluatedThrough the last evaluated date; null if none
 * @param milestone the highest milestone level reached; null if none yet
 * @param milestoneFromHistory the level was already taken from the held days once (see {@code
 *     MilestoneRule.highestBefore}); a restored engine must not take it again
 * @param firstDay the earliest epoch day ever recorded ({@link Integer#MAX_VALUE}: none)
 * @param keptFrom days before this epoch day are forgotten and ignored when recorded ({@link
 *     Integer#MIN_VALUE}: none)
 * @param series every series ever recorded, in endpoint then category order
 */
public record PackageState(LocalDate evaluatedThrough, Long milestone, boolean milestoneFromHistory, int firstDay,
    int keptFrom, List<Series> series) {

  public PackageState {
    series = List.copyOf(series);
  }

  /**
   * One series' counts on consecutive days from {@code firstDay}; {@code -1} is an unknown day.
   * Empty: a category recorded once whose days are all forgotten (it still counts as a category).
   */
  public record Series(Endpoint endpoint, String category, int firstDay, long[] counts) {
    public Series {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(counts, "counts");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && endpoint == s.endpoint && category.equals(s.category)
          && (counts.length == 0 || firstDay == s.firstDay) && Arrays.equals(counts, s.counts);
    }

    @Override
    public int hashCode() {
      return Objects.hash(endpoint, category, counts.length == 0 ? 0 : firstDay, Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
      return endpoint.path() + "/" + category + "@" + firstDay + Arrays.toString(counts);
    }
  }
}

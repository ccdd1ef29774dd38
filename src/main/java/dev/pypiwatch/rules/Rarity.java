package dev.pypiwatch.rules;

/**
 * How rare a score in noise units is, as "about 1 day in N". The rules' scores are log residuals
 * divided by a robust (MAD-based) standard deviation, so under the rules' own model an ordinary
 * day's score is roughly standard normal; a day scoring {@code z} or more then happens with the
 * one-sided tail probability {@code P(Z >= z)}, about one day in {@code 1 / P}. Real series have
 * heavier tails than the normal, so the figure is an order of magnitude, said with "about", and
 * capped at {@link #CAP}: beyond it the model says nothing trustworthy ("rarer than").
 */
public final class Rarity {
  /** The largest N said; a rarer day reads "rarer than 1 day in 10,000". */
  public static final long CAP = 10_000;

  private Rarity() {}

  /** {@code P(Z >= z)} for a standard normal Z. */
  static double upperTail(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /**
   * About one day in how many scores at least {@code |score|}, rounded to a friendly number (1, 2,
   * 3 or 5 times a power of ten); {@code CAP + 1} if rarer than {@link #CAP}; -1 if the score is not
   * finite.
   */
  public static long oneDayIn(double score) {
    if (!Double.isFinite(score)) {
      return -1;
    }
    double n = 1 / upperTail(Math.abs(score));
    return n > CAP ? CAP + 1 : friendly(n);
  }

  /** {@code n} rounded (in log scale) to the nearest of 1, 2, 3, 5 times a power of ten; at least 2. */
  static long friendly(double n) {
    if (n < 2) {
      return 2; // even the mildest finding is one side of the median: at most every other day
    }
    double p = Math.pow(10, Math.floor(Math.log10(n)));
    double best = p;
    for (double m : new double[] {1, 2, 3, 5, 10}) {
      if (Math.abs(Math.log(m * p / n)) < Math.abs(Math.log(best / n))) {
        best = m * p;
      }
    }
    return Math.round(best);
  }

  /**
   * The complementary error function: Abramowitz and Stegun 7.1.26 (relative error small enough for
   * a figure rounded to one digit up to the cap), for {@code x >= 0}; by symmetry below.
   */
  static double erfc(double x) {
    if (x < 0) {
      return 2 - erfc(-x);
    }
    double t = 1 / (1 + 0.3275911 * x);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429))));
    return poly * Math.exp(-x * x);
  }
}

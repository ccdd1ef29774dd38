package dev.pypiwatch.rules;

import dev.pypiwatch.events.Severity;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A condition a rule sees on one day, before the lifecycle decides whether it is news. A value
 * (equality over every component, as the record it was); its summary may be written only when
 * read: an ongoing share shift is found again every day, but only its firing day's text goes out,
 * and formatting it every day cost the share rules a seventh of their time.
 */
final class Finding {
  private final String fingerprint;
  private final String rule;
  private final String series;
  private final String category;
  private final Severity severity;
  private final double observed;
  private final double expected;
  private final double score;
  private Supplier<String> write;
  private String summary;

  /**
   * A finding with its summary written.
   *
   * @param fingerprint stable id, see {@link Fingerprints}
   */
  Finding(String fingerprint, String rule, String series, String category, Severity severity,
      double observed, double expected, double score, String summary) {
    this(fingerprint, rule, series, category, severity, observed, expected, score, (Supplier<String>) null);
    this.summary = summary;
  }

  /** A finding whose summary {@code write} writes when it is first read (once). */
  Finding(String fingerprint, String rule, String series, String category, Severity severity,
      double observed, double expected, double score, Supplier<String> write) {
    this.fingerprint = fingerprint;
    this.rule = rule;
    this.series = series;
    this.category = category;
    this.severity = severity;
    this.observed = observed;
    this.expected = expected;
    this.score = score;
    this.write = write;
  }

  String fingerprint() {
    return fingerprint;
  }

  String rule() {
    return rule;
  }

  String series() {
    return series;
  }

  String category() {
    return category;
  }

  Severity severity() {
    return severity;
  }

  double observed() {
    return observed;
  }

  double expected() {
    return expected;
  }

  double score() {
    return score;
  }

  String summary() {
    if (write != null) {
      summary = write.get();
      write = null;
    }
    return summary;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Finding f && fingerprint.equals(f.fingerprint) && rule.equals(f.rule)
        && series.equals(f.series) && category.equals(f.category) && severity == f.severity
        && Double.compare(observed, f.observed) == 0 && Double.compare(expected, f.expected) == 0
        && Double.compare(score, f.score) == 0 && Objects.equals(summary(), f.summary());
  }

  @Override
  public int hashCode() {
    return Objects.hash(fingerprint, rule, series, category, severity, observed, expected, score, summary());
  }

  @Override
  public String toString() {
    return "Finding[fingerprint=" + fingerprint + ", rule=" + rule + ", series=" + series
        + ", category=" + category + ", severity=" + severity + ", observed=" + observed
        + ", expected=" + expected + ", score=" + score + ", summary=" + summary() + "]";
  }
}

package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;

/**
 * Alert fingerprints: readable and stable, {@code rule:package:series:category}, e.g. {@code
 * spike:pip:overall:without_mirrors} or {@code os-shift:numpy:system:windows}. Rules about a
 * level add it: {@code python-crossing:pip:python_minor:3.13:25}, {@code
 * milestone:pip:overall:without_mirrors:1000000}.
 */
final class Fingerprints {
  private Fingerprints() {}

  static String of(String rule, String pkg, String series, String category) {
    return rule + ":" + pkg + ":" + series + ":" + category;
  }

  static String of(String rule, String pkg, String series, String category, String level) {
    return of(rule, pkg, series, category) + ":" + level;
  }
}

package dev.pypiwatch.rules;

import dev.pypiwatch.events.Severity;

/**
 * A condition a rule sees on one day, before the lifecycle decides whether it is news.
 *
 * @param fingerprint stable id, see {@link Fingerprints}
 */
record Finding(String fingerprint, String rule, String series, String category,
    Severity severity, double observed, double expected, double score, String summary) {}

package dev.pypiwatch.api;

import java.time.LocalDate;

/**
 * One row of a time-series body, exactly as sent.
 *
 * @param category the category as sent: a string (possibly the string {@code "null"}) or null
 * @param date the day
 * @param downloads the day's count, never negative
 */
public record SeriesRow(String category, LocalDate date, long downloads) {}

package dev.pypiwatch.api;

/**
 * A parsed {@code /recent} body, raw; a figure is null when missing or JSON null (e.g.
 * {@code ?period=day} sends only {@code last_day}).
 */
public record RecentResponse(
    String packageName, String type, Long lastDay, Long lastWeek, Long lastMonth) {}

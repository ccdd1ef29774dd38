package dev.pypiwatch.notify;

import static dev.pypiwatch.events.TextFormat.alertValue;
import static dev.pypiwatch.events.TextFormat.change;
import static dev.pypiwatch.events.TextFormat.count;
import static dev.pypiwatch.events.TextFormat.decimal;
import static dev.pypiwatch.events.TextFormat.plural;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.TextFormat;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An e-mail rendered from a {@link Notification}: subject, a plain-text part readable on its own,
 * an HTML part, and the chart PNGs the HTML shows inline as {@code cid:} images.
 *
 * @param subject one line
 * @param text the plain-text alternative
 * @param html the HTML alternative; every value from data is HTML-escaped
 * @param images the inline images {@code html} refers to, in order of appearance
 */
public record EmailMessage(String subject, String text, String html, List<InlineImage> images) {
  /** Chart size in pixels: fits the usual 600-700 px wide reading pane of mail clients. */
  static final int CHART_WIDTH = 640;
  static final int CHART_HEIGHT = 300;

  private static final String PREFIX = "[pypiwatch] ";

  public EmailMessage {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(html, "html");
    images = List.copyOf(images);
  }

  /**
   * A PNG shown inline in the HTML part as {@code <img src="cid:CONTENT-ID">}.
   *
   * @param contentId the Content-ID without angle brackets, e.g. {@code chart-1@pypiwatch}
   */
  public record InlineImage(String contentId, byte[] png) {
    public InlineImage {
      Objects.requireNonNull(contentId, "contentId");
      png = png.clone();
    }

    @Override
    public byte[] png() {
      return png.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InlineImage i && i.contentId.equals(contentId)
          && Arrays.equals(i.png, png);
    }

    @Override
    public int hashCode() {
      return Objects.hash(contentId, Arrays.hashCode(png));
    }

    @Override
    public String toString() {
      return "InlineImage[" + contentId + ", " + png.length + " bytes]";
    }
  }

  /** Renders {@code n}; draws one chart per package it mentions that has a series in it. */
  public static EmailMessage of(Notification n) {
    List<Section> sections = sections(n);
    List<InlineImage> images = new ArrayList<>();
    for (Section s : sections) {
      if (s.series != null) {
        s.contentId = "chart-" + (images.size() + 1) + "@pypiwatch";
        images.add(new InlineImage(s.contentId,
            SeriesChart.png(s.series, s.marked(), CHART_WIDTH, CHART_HEIGHT)));
      }
    }
    String subject = subject(n);
    return new EmailMessage(subject, text(n, sections), html(n, subject, sections), images);
  }

  /** What one package contributes: its alerts and its chart. */
  private static final class Section {
    final String packageName;
    final List<Alert> alerts = new ArrayList<>();
    final RecentSeries series;
    String contentId;

    Section(String packageName, RecentSeries series) {
      this.packageName = packageName;
      this.series = series;
    }

    /** The days to mark: where a firing alert was detected (a resolution is no anomaly). */
    Set<LocalDate> marked() {
      return alerts.stream().filter(a -> a.state() == AlertState.FIRING).map(Alert::date)
          .collect(Collectors.toSet());
    }
  }

  /**
   * One section per package in order of first mention (the alerts come highest severity first),
   * then, in a digest, the packages with firing alerts the notification does not report.
   */
  private static List<Section> sections(Notification n) {
    Map<String, Section> byPackage = new LinkedHashMap<>();
    for (Alert a : n.alerts()) {
      byPackage.computeIfAbsent(a.packageName(), p -> new Section(p, n.series().get(p)))
          .alerts.add(a);
    }
    for (DigestLine l : n.digest()) {
      if (l.firing() > 0) {
        byPackage.computeIfAbsent(l.packageName(), p -> new Section(p, n.series().get(p)));
      }
    }
    return List.copyOf(byPackage.values());
  }

  // ---- subject ----

  private static String subject(Notification n) {
    List<Alert> alerts = n.alerts();
    String s = switch (n.kind()) {
      case DIGEST -> "daily digest " + n.date();
      case ALERTS -> alerts.size() == 1
          ? (alerts.get(0).state() == AlertState.FIRING ? alerts.get(0).rule() : "resolved")
              + ": " + headline(alerts.get(0))
          : alertsFor(alerts) + " (" + n.date() + ")";
      case REMINDER -> "still firing: " + (alerts.size() == 1
          ? alerts.get(0).packageName() + " " + alerts.get(0).rule() + " since "
              + alerts.get(0).date()
          : alertsFor(alerts) + " (" + n.date() + ")");
    };
    // A header is one line: a line break from data must not end it (or start another header).
    return (PREFIX + s).replaceAll("\\p{Cntrl}+", " ");
  }

  /** The summary as a phrase: "requests: downloads spiked" becomes "requests downloads spiked". */
  private static String headline(Alert a) {
    String prefix = a.packageName() + ": ";
    return a.summary().startsWith(prefix)
        ? a.packageName() + " " + a.summary().substring(prefix.length())
        : a.packageName() + ": " + a.summary();
  }

  /** "5 alerts for 3 packages", "2 alerts for requests". */
  private static String alertsFor(List<Alert> alerts) {
    Set<String> packages = alerts.stream().map(Alert::packageName)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    return plural(alerts.size(), "alert") + " for "
        + (packages.size() == 1 ? packages.iterator().next() : plural(packages.size(), "package"));
  }


  // ---- plain text ----

  private static String intro(Notification n) {
    return switch (n.kind()) {
      case ALERTS -> "pypiwatch reports " + alertsFor(n.alerts()) + " on " + n.date() + ".";
      case REMINDER -> "A reminder: " + alertsFor(n.alerts()) + (n.alerts().size() == 1 ? " is" : " are")
          + " still firing on " + n.date() + ".";
      case DIGEST -> "Daily digest of " + plural(n.digest().size(), "watched package") + " for "
          + n.date() + ".";
    };
  }

  private static String text(Notification n, List<Section> sections) {
    StringBuilder t = new StringBuilder(intro(n)).append("\n");
    if (n.kind() == Notification.Kind.DIGEST) {
      t.append("\n").append(digestText(n.digest()));
    }
    for (Section s : sections) {
      if (s.alerts.isEmpty()) {
        continue; // a digest's chart-only section: nothing to say without the chart
      }
      t.append("\n").append(s.packageName).append("\n")
          .append("-".repeat(s.packageName.length())).append("\n");
      for (Alert a : s.alerts) {
        t.append("\n  ").append(a.severity().wire().toUpperCase(Locale.ROOT)).append(" ")
            .append(a.rule()).append(", ").append(state(n, a)).append("\n")
            .append("  ").append(a.summary()).append("\n")
            .append("  Observed ").append(alertValue(a, a.observed())).append(" vs expected ")
            .append(alertValue(a, a.expected())).append(", score ").append(decimal(a.score()))
            .append("\n")
            .append("  Series: ").append(a.series()).append(" / ").append(a.category())
            .append("\n");
        TextFormat.context(a).forEach(l -> t.append("  ").append(l).append("\n"));
        t.append("  ").append(a.link()).append("\n");
      }
    }
    return t.append(footerText(n)).toString();
  }

  private static String footerText(Notification n) {
    return "\n-- \nSent by pypiwatch to receiver " + n.receiver() + " (notification " + n.id()
        + ").\n";
  }

  private static final String[] DIGEST_HEADER =
      {"package", "downloads on the day", "last 7 days", "vs week before", "firing alerts"};

  /** The digest as columns padded with spaces: readable in a monospaced font, tolerable without. */
  private static String digestText(List<DigestLine> lines) {
    List<String[]> rows = new ArrayList<>();
    rows.add(DIGEST_HEADER);
    for (DigestLine l : lines) {
      rows.add(digestCells(l));
    }
    int[] widths = new int[DIGEST_HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder t = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(pad(r[0], widths[0], false));
      for (int i = 1; i < r.length; i++) {
        line.append("  ").append(pad(r[i], widths[i], true));
      }
      t.append(line.toString().stripTrailing()).append("\n");
    }
    return t.toString();
  }

  private static String[] digestCells(DigestLine l) {
    return new String[] {
      l.packageName(),
      l.lastDay() < 0 ? "unknown" : count(l.lastDay()),
      count(l.lastWeek()),
      change(l.weekChange()),
      Integer.toString(l.firing())};
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }

  private static String state(Notification n, Alert a) {
    if (a.state() == AlertState.RESOLVED) {
      return "resolved on " + a.date();
    }
    return (n.kind() == Notification.Kind.REMINDER ? "still firing" : "firing") + " since "
        + a.date();
  }


  // ---- HTML ----

  private static final String SEVERITY_STYLE = "border-left:4px solid %s;padding:2px 0 2px 10px;"
      + "margin:12px 0";

  private static String html(Notification n, String subject, List<Section> sections) {
    StringBuilder h = new StringBuilder()
        .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(esc(subject)).append("</title></head>\n")
        .append("<body style=\"font-family:Arial,Helvetica,sans-serif;color:#222;"
            + "max-width:680px\">\n")
        .append("<p>").append(esc(intro(n))).append("</p>\n");
    if (n.kind() == Notification.Kind.DIGEST) {
      h.append(digestHtml(n.digest()));
    }
    for (Section s : sections) {
      if (s.alerts.isEmpty() && s.contentId == null) {
        continue;
      }
      h.append("<h2 style=\"margin:24px 0 8px\">").append(link(Alert.linkOf(s.packageName),
          s.packageName)).append("</h2>\n");
      if (s.contentId != null) {
        h.append("<img src=\"cid:").append(esc(s.contentId)).append("\" width=\"")
            .append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
            .append("\" alt=\"").append(esc("Daily downloads of " + s.packageName
                + ", last " + SeriesChart.DAYS + " days; alert days in red"))
            .append("\" style=\"max-width:100%;height:auto\">\n");
      }
      for (Alert a : s.alerts) {
        h.append(alertHtml(n, a));
      }
    }
    return h.append("<p style=\"color:#777;font-size:12px;margin-top:24px\">")
        .append(esc("Sent by pypiwatch to receiver " + n.receiver() + " (notification "
            + n.id() + ")."))
        .append("</p>\n</body></html>\n").toString();
  }

  private static String alertHtml(Notification n, Alert a) {
    String colour = switch (a.severity()) {
      case CRITICAL -> "#d62728";
      case WARNING -> "#ff7f0e";
      case INFO -> "#1f77b4";
    };
    if (a.state() == AlertState.RESOLVED) {
      colour = "#2ca02c";
    }
    return "<div style=\"" + String.format(Locale.ROOT, SEVERITY_STYLE, colour) + "\">\n"
        + "<p style=\"margin:4px 0\"><strong>" + esc(a.severity().wire().toUpperCase(Locale.ROOT))
        + "</strong> " + esc(a.rule()) + ", " + esc(state(n, a)) + "</p>\n"
        + "<p style=\"margin:4px 0\">" + esc(a.summary()) + "</p>\n"
        + "<table style=\"border-collapse:collapse;font-size:14px\">\n"
        + row("Observed", alertValue(a, a.observed()))
        + row("Expected", alertValue(a, a.expected()))
        + row("Score", decimal(a.score()))
        + row("Severity", a.severity().wire())
        + row("State", a.state().wire())
        + row("Series", a.series() + " / " + a.category())
        + contextRows(a)
        + "</table>\n"
        + "<p style=\"margin:4px 0\">" + link(a.link(), "pypistats.org page of "
            + a.packageName()) + "</p>\n"
        + "</div>\n";
  }

  /** The context's lines as rows: {@code Unusual: about 1 day in …} is the row Unusual. */
  private static String contextRows(Alert a) {
    StringBuilder rows = new StringBuilder();
    for (String line : TextFormat.context(a)) {
      int colon = line.indexOf(": ");
      rows.append(row(line.substring(0, colon), line.substring(colon + 2)));
    }
    return rows.toString();
  }

  private static String row(String name, String value) {
    return "<tr><th style=\"text-align:left;padding:1px 12px 1px 0;font-weight:normal;"
        + "color:#555\">" + esc(name) + "</th><td>" + esc(value) + "</td></tr>\n";
  }

  private static String digestHtml(List<DigestLine> lines) {
    String cell = "padding:3px 8px;border-bottom:1px solid #ddd";
    StringBuilder h = new StringBuilder(
        "<table style=\"border-collapse:collapse;font-size:14px\">\n<tr>");
    for (int i = 0; i < DIGEST_HEADER.length; i++) {
      h.append("<th style=\"").append(cell).append(";text-align:")
          .append(i == 0 ? "left" : "right").append("\">").append(esc(DIGEST_HEADER[i]))
          .append("</th>");
    }
    h.append("</tr>\n");
    for (DigestLine l : lines) {
      String[] cells = digestCells(l);
      h.append("<tr><td style=\"").append(cell).append("\">")
          .append(link(Alert.linkOf(l.packageName()), l.packageName())).append("</td>");
      for (int i = 1; i < cells.length; i++) {
        h.append("<td style=\"").append(cell).append(";text-align:right\">").append(esc(cells[i]))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    return h.append("</table>\n").toString();
  }

  /** A link to {@code url}, or the plain label if the URL is not http(s) (no script: links). */
  private static String link(String url, String label) {
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      return esc(label);
    }
    return "<a href=\"" + esc(url) + "\">" + esc(label) + "</a>";
  }

  /** Escapes for HTML text and quoted attribute values alike. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}

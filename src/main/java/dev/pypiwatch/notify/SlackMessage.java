package dev.pypiwatch.notify;

import static dev.pypiwatch.events.TextFormat.UNKNOWN;
import static dev.pypiwatch.events.TextFormat.alertValue;
import static dev.pypiwatch.events.TextFormat.count;
import static dev.pypiwatch.events.TextFormat.day;
import static dev.pypiwatch.events.TextFormat.decimal;
import static dev.pypiwatch.events.TextFormat.plural;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.TextFormat;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.function.IntFunction;

/**
 * A {@link Notification} as a Slack message: the Block Kit JSON an incoming webhook accepts, with
 * a plain {@code text} fallback for notifications and old clients.
 *
 * <p>Alerts get a header, then per alert a section (state, severity, package link, the summary,
 * observed against expected) and a context block with a text sparkline of the package's recent
 * days: incoming webhooks cannot upload images. A digest gets one line per package, packed into
 * sections. Slack's limits (50 blocks, 3000 characters per text, 150 per header) are kept by
 * cutting with "… and N more". Everything taken from data is escaped ({@link #escape}).
 */
public final class SlackMessage {
  /** Slack rejects a message with more blocks. */
  static final int MAX_BLOCKS = 50;
  /** Slack rejects a section or context text longer than this. */
  static final int MAX_TEXT = 3000;
  /** Slack rejects a header text longer than this. */
  static final int MAX_HEADER = 150;
  /** Days shown in an alert's sparkline. */
  static final int SPARKLINE_DAYS = 30;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BARS = "▁▂▃▄▅▆▇█";
  private static final char NO_DATA = '·';
  /** Longest pieces of data in an alert's first line, so the summary keeps most of a section. */
  private static final int MAX_NAME = 100;
  private static final int MAX_URL = 300;
  /** Longest line per alert in the compact list of alerts that did not get their own section. */
  private static final int MAX_COMPACT = 300;

  private SlackMessage() {}

  /** The message as JSON (UTF-8), ready to POST to an incoming webhook. */
  public static byte[] encode(Notification n) {
    try {
      return JSON.writeValueAsBytes(render(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the Slack message of " + n.id(), e);
    }
  }

  /** The message: {@code text} (fallback), {@code blocks}, and link previews off. */
  public static ObjectNode render(Notification n) {
    ObjectNode message = JSON.createObjectNode();
    List<ObjectNode> blocks = n.kind() == Notification.Kind.DIGEST ? digest(n) : alerts(n);
    message.put("text", fallback(n));
    message.putArray("blocks").addAll(blocks);
    // pypistats.org previews would bury the alerts.
    message.put("unfurl_links", false);
    message.put("unfurl_media", false);
    return message;
  }

  // --- alerts and reminders ---

  private static List<ObjectNode> alerts(Notification n) {
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(header(alertsTitle(n)));
    List<Alert> alerts = n.alerts();
    int shown = 0;
    for (Alert a : alerts) {
      RecentSeries series = n.series().get(a.packageName());
      if (series != null && series.daily().length == 0) {
        series = null; // nothing to draw
      }
      int needed = series == null ? 1 : 2;
      boolean othersFollow = shown < alerts.size() - 1;
      // Keep one block free for the list of the alerts that do not fit.
      if (blocks.size() + needed + (othersFollow ? 1 : 0) > MAX_BLOCKS) {
        break;
      }
      blocks.add(section(alertText(a, n.kind())));
      if (series != null) {
        blocks.add(context(chartText(series, a.date())));
      }
      shown++;
    }
    if (shown < alerts.size()) {
      List<Alert> rest = alerts.subList(shown, alerts.size());
      List<String> lines = new ArrayList<>();
      lines.add("*" + plural(rest.size(), "more alert") + ":*");
      rest.forEach(a -> lines.add("• " + emoji(a) + " " + clip(escape(a.summary()), MAX_COMPACT)));
      blocks.add(section(pack(lines, 1, MAX_TEXT, more -> "… and " + more + " more").get(0)));
    }
    return blocks;
  }

  private static String alertsTitle(Notification n) {
    List<Alert> alerts = n.alerts();
    boolean reminder = n.kind() == Notification.Kind.REMINDER;
    if (alerts.size() == 1) {
      return (reminder ? "Still firing: " : "") + escape(alerts.get(0).summary());
    }
    if (reminder) {
      return "pypiwatch: " + alerts.size() + " alerts still firing";
    }
    long firing = alerts.stream().filter(a -> a.state() == AlertState.FIRING).count();
    String counts = firing == alerts.size() ? "firing" : firing == 0 ? "resolved"
        : firing + " firing, " + (alerts.size() - firing) + " resolved";
    return "pypiwatch: " + alerts.size() + " alerts (" + counts + ")";
  }

  /** State, severity, package and rule; what happened; the numbers. */
  private static String alertText(Alert a, Notification.Kind kind) {
    String state;
    if (a.state() == AlertState.RESOLVED) {
      state = "*Resolved* on " + day(a.date()) + " · was " + a.severity().wire();
    } else if (kind == Notification.Kind.REMINDER) {
      state = "*Still firing* since " + day(a.date()) + " · " + a.severity().wire();
    } else {
      state = "*Firing* on " + day(a.date()) + " · " + a.severity().wire();
    }
    String first = emoji(a) + " " + state + " · " + packageLink(a.packageName(), a.link()) + " · "
        + clip(escape(a.rule()), MAX_NAME) + " on " + clip(escape(a.series()), MAX_NAME) + "/"
        + clip(escape(a.category()), MAX_NAME);
    String numbers = "Observed *" + alertValue(a, a.observed()) + "* vs expected *"
        + alertValue(a, a.expected()) + "* · score " + decimal(a.score());
    // Why it is probably happening (docs/notifications.md): one line per known part.
    String why = TextFormat.context(a).stream().map(l -> "\n" + escape(l)).collect(Collectors.joining());
    why = clip(why, Math.max(0, (MAX_TEXT - first.length() - numbers.length() - 2) / 2));
    int room = MAX_TEXT - first.length() - numbers.length() - why.length() - 2;
    return first + "\n" + clip(escape(a.summary()), room) + "\n" + numbers + why;
  }

  private static String chartText(RecentSeries s, LocalDate alertDay) {
    long[] daily = s.daily();
    int from = Math.max(0, daily.length - SPARKLINE_DAYS);
    long max = 0;
    boolean gaps = false;
    for (int i = from; i < daily.length; i++) {
      max = Math.max(max, daily[i]);
      gaps |= daily[i] < 0;
    }
    return "`" + sparkline(s, alertDay, SPARKLINE_DAYS) + "` downloads a day, "
        + s.dateAt(from) + " to " + s.last() + " (max " + count(max) + ")"
        + (withinWindow(s, from, alertDay) ? "; [ ] " + alertDay : "")
        + (gaps ? "; " + NO_DATA + " no data" : "");
  }

  private static boolean withinWindow(RecentSeries s, int from, LocalDate day) {
    return !day.isBefore(s.dateAt(from)) && !day.isAfter(s.last());
  }

  /**
   * The last {@code days} days of {@code s} as block characters, scaled from 0 to the highest
   * day (a zero-based scale: a drop to half looks like half); {@code ·} for an unknown day, and
   * {@code mark}'s day (if shown) in brackets.
   */
  public static String sparkline(RecentSeries s, LocalDate mark, int days) {
    long[] daily = s.daily();
    int from = Math.max(0, daily.length - days);
    long max = 0;
    for (int i = from; i < daily.length; i++) {
      max = Math.max(max, daily[i]);
    }
    StringBuilder out = new StringBuilder();
    for (int i = from; i < daily.length; i++) {
      long v = daily[i];
      char c = v < 0 ? NO_DATA
          : BARS.charAt(max == 0 ? 0 : (int) Math.round((BARS.length() - 1) * (double) v / max));
      boolean marked = s.dateAt(i).equals(mark);
      out.append(marked ? "[" : "").append(c).append(marked ? "]" : "");
    }
    return out.toString();
  }

  // --- digest ---

  private static List<ObjectNode> digest(Notification n) {
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(header("pypiwatch digest, " + day(n.date())));
    int firing = n.digest().stream().mapToInt(DigestLine::firing).sum();
    blocks.add(context(plural(n.digest().size(), "watched package")
        + " · " + plural(firing, "alert") + " firing · downloads without mirrors,"
        + " week = the 7 days to " + n.date()));
    if (n.digest().isEmpty()) {
      blocks.add(section("No watched packages."));
      return blocks;
    }
    List<String> lines = n.digest().stream().map(SlackMessage::digestLine).toList();
    for (String text : pack(lines, MAX_BLOCKS - blocks.size(), MAX_TEXT,
        more -> "… and " + plural(more, "more package"))) {
      blocks.add(section(text));
    }
    return blocks;
  }

  private static String digestLine(DigestLine d) {
    String link = packageLink(d.packageName(), Alert.linkOf(
        URLEncoder.encode(d.packageName(), StandardCharsets.UTF_8)));
    String change = Double.isFinite(d.weekChange())
        ? " (" + TextFormat.change(d.weekChange()) + " on the week before)" : "";
    String alerts = d.firing() > 0
        ? " · :rotating_light: " + plural(d.firing(), "alert") + " firing" : "";
    return link + " · " + (d.lastDay() < 0 ? UNKNOWN : count(d.lastDay())) + " on the day · "
        + count(d.lastWeek()) + " in the week" + change + alerts;
  }

  // --- fallback text ---

  private static String fallback(Notification n) {
    if (n.kind() == Notification.Kind.DIGEST) {
      int firing = n.digest().stream().mapToInt(DigestLine::firing).sum();
      return "pypiwatch digest, " + n.date() + ": " + plural(n.digest().size(), "watched package") + ", "
          + plural(firing, "alert") + " firing";
    }
    String title = alertsTitle(n);
    if (n.alerts().size() == 1) {
      return clip(title, MAX_TEXT);
    }
    List<String> summaries = n.alerts().stream().map(a -> clip(escape(a.summary()), MAX_COMPACT))
        .toList();
    return clip(title + ": " + String.join("; ", summaries), MAX_TEXT);
  }

  // --- mrkdwn ---

  /**
   * {@code text} safe in Slack mrkdwn: {@code &}, {@code <} and {@code >} as HTML entities, the
   * escaping Slack documents; otherwise {@code <!channel>} or {@code <https://x|click>} in a
   * package name or summary would mention or link.
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * {@code text} escaped for bold: mrkdwn has no escape for its formatting characters, so
   * {@code * _ ~ `} become look-alikes that cannot end the bold or start italics.
   */
  static String boldSafe(String text) {
    return escape(text).replace('*', '∗').replace('_', 'ˍ').replace('~', '∼').replace('`', 'ˋ');
  }

  /** {@code *<url|name>*}, or only the bold name when the URL is unusable in a link. */
  private static String packageLink(String name, String url) {
    String label = clip(boldSafe(name), MAX_NAME);
    // A '|' would end the URL part of the link early; whitespace is not allowed in it.
    if (url.length() > MAX_URL || !url.startsWith("https://") || url.matches(".*[\\s|].*")) {
      return "*" + label + "*";
    }
    return "*<" + escape(url) + "|" + label + ">*";
  }

  /**
   * {@code escaped} cut to at most {@code max} characters, ending with "…" if cut; never inside
   * an entity like {@code &amp;} or between the two halves of a surrogate pair.
   */
  static String clip(String escaped, int max) {
    if (escaped.length() <= max) {
      return escaped;
    }
    int cut = Math.max(0, max - 1);
    if (cut > 0 && Character.isHighSurrogate(escaped.charAt(cut - 1))) {
      cut--;
    }
    int amp = escaped.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp > cut - 5 && escaped.indexOf(';', amp) >= cut) {
      cut = amp;
    }
    return escaped.substring(0, cut) + "…";
  }

  /**
   * {@code lines} joined by newlines into at most {@code maxChunks} texts of at most {@code
   * maxChars}; if they do not all fit, the last text ends with {@code more.apply(n)} for the
   * {@code n} lines left out.
   */
  static List<String> pack(List<String> lines, int maxChunks, int maxChars,
      IntFunction<String> more) {
    List<List<String>> chunks = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    int i = 0;
    for (; i < lines.size(); i++) {
      String line = lines.get(i);
      int last = chunks.size() - 1;
      if (last >= 0 && lengths.get(last) + 1 + line.length() <= maxChars) {
        chunks.get(last).add(line);
        lengths.set(last, lengths.get(last) + 1 + line.length());
      } else if (chunks.size() < maxChunks) {
        chunks.add(new ArrayList<>(List.of(line)));
        lengths.add(line.length());
      } else {
        break;
      }
    }
    if (i < lines.size()) {
      List<String> last = chunks.get(chunks.size() - 1);
      int left = lines.size() - i;
      while (!last.isEmpty() && String.join("\n", last).length() + 1
          + more.apply(left).length() > maxChars) {
        last.remove(last.size() - 1);
        left++;
      }
      last.add(more.apply(left));
    }
    return chunks.stream().map(c -> String.join("\n", c)).toList();
  }

  // --- blocks and words ---

  private static ObjectNode header(String escaped) {
    ObjectNode block = JSON.createObjectNode().put("type", "header");
    block.putObject("text").put("type", "plain_text").put("text", clip(escaped, MAX_HEADER))
        .put("emoji", true);
    return block;
  }

  private static ObjectNode section(String mrkdwn) {
    ObjectNode block = JSON.createObjectNode().put("type", "section");
    block.putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    return block;
  }

  private static ObjectNode context(String mrkdwn) {
    ObjectNode block = JSON.createObjectNode().put("type", "context");
    ArrayNode elements = block.putArray("elements");
    elements.addObject().put("type", "mrkdwn").put("text", mrkdwn);
    return block;
  }

  private static String emoji(Alert a) {
    if (a.state() == AlertState.RESOLVED) {
      return ":white_check_mark:";
    }
    return switch (a.severity()) {
      case CRITICAL -> ":rotating_light:";
      case WARNING -> ":warning:";
      case INFO -> ":information_source:";
    };
  }
}

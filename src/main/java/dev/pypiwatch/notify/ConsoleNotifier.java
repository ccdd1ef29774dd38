package dev.pypiwatch.notify;

import static dev.pypiwatch.events.TextFormat.UNKNOWN;
import static dev.pypiwatch.events.TextFormat.count;
import static dev.pypiwatch.events.TextFormat.day;
import static dev.pypiwatch.events.TextFormat.decimal;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.TextFormat;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A channel printing each notification to a stream (standard output): one line per alert, e.g.
 * {@code [pypiwatch] 2025-06-29 (Sun) FIRING critical spike rocketlib overall/without_mirrors:
 * rocketlib: downloads spiked to 48,273 ... (score 17.0)}; a digest gets one line per package.
 * For {@code pypiwatch demo} and for trying routes without a Slack workspace.
 */
public final class ConsoleNotifier implements Channel {
  /** What every line starts with, so the alerts stand out among other output. */
  public static final String PREFIX = "[pypiwatch] ";

  private final PrintStream out;

  /** Prints to {@code out}. */
  public ConsoleNotifier(PrintStream out) {
    this.out = out;
  }

  @Override
  public Future<Void> deliver(Notification n) {
    // One print call per notification: another thread's output cannot split its lines.
    StringBuilder text = new StringBuilder();
    lines(n).forEach(l -> text.append(l).append(System.lineSeparator()));
    out.print(text);
    out.flush();
    if (out.checkError()) {
      // A closed or broken stdout will not get better by retrying.
      return Future.failedFuture(new DeliveryException(
          "console receiver '" + n.receiver() + "': standard output is not writable", false, null, null));
    }
    return Future.succeededFuture();
  }

  /** The lines printed for {@code n}. */
  public static List<String> lines(Notification n) {
    List<String> lines = new ArrayList<>();
    if (n.kind() == Notification.Kind.DIGEST) {
      for (DigestLine d : n.digest()) {
        String change = Double.isFinite(d.weekChange())
            ? " (" + TextFormat.change(d.weekChange()) + " on the week before)" : "";
        lines.add(PREFIX + day(n.date()) + " DIGEST " + d.packageName() + ": "
            + (d.lastDay() < 0 ? UNKNOWN : count(d.lastDay())) + " on the day, " + count(d.lastWeek())
            + " in the week" + change + (d.firing() > 0 ? ", " + TextFormat.plural(d.firing(), "alert") + " firing" : ""));
      }
      return lines;
    }
    for (Alert a : n.alerts()) {
      lines.add(PREFIX + day(a.date()) + " " + state(a, n.kind()) + " " + a.severity().wire() + " " + a.rule()
          + " " + a.packageName() + " " + a.series() + "/" + a.category() + ": " + oneLine(a.summary())
          + " (score " + decimal(a.score()) + ")" + why(a));
    }
    return lines;
  }

  /** The context on the alert's own line, so that one line stays one alert: {@code [Unusual: …; Day: …]}. */
  private static String why(Alert a) {
    List<String> parts = TextFormat.context(a);
    return parts.isEmpty() ? "" : " [" + oneLine(String.join("; ", parts)) + "]";
  }

  private static String state(Alert a, Notification.Kind kind) {
    if (a.state() == AlertState.FIRING && kind == Notification.Kind.REMINDER) {
      return "STILL-FIRING";
    }
    return a.state().wire().toUpperCase(Locale.ROOT);
  }

  /** A summary is one line already; a line break in data must not forge a second alert line. */
  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ");
  }
}

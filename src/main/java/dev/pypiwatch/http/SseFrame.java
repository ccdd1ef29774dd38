package dev.pypiwatch.http;

import dev.pypiwatch.ingest.PollListener;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.regex.Pattern;

/** Server-Sent Events frames and the JSON of the poll and cycle events: plain text, no I/O. */
public final class SseFrame {
  // A line ends at CRLF, LF or CR (the SSE grammar): each must start a new "data:" line.
  private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

  private SseFrame() {}

  /**
   * One event: {@code event:}, {@code id:} (omitted when null) and {@code data} split into one
   * {@code data:} line per line, so a newline in the data cannot end the frame early.
   */
  public static String event(String event, String id, String data) {
    StringBuilder out = new StringBuilder();
    out.append("event: ").append(singleLine("event", event)).append('\n');
    if (id != null) {
      out.append("id: ").append(singleLine("id", id)).append('\n');
    }
    for (String line : LINE_END.split(data, -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return out.append('\n').toString();
  }

  /** A comment frame (ignored by clients, keeps proxies from closing an idle stream). */
  public static String comment(String text) {
    return ": " + singleLine("comment", text) + "\n\n";
  }

  /** The data of a {@code poll} event. */
  public static String pollData(String pkg, PollListener.Outcome outcome, Instant at) {
    return new JsonObject().put("package", pkg).put("state", outcome.wire()).put("at", at.toString()).encode();
  }

  /** The data of a {@code cycle} event. */
  public static String cycleData(LocalDate expectedNewest, int fresh, int behind, int invalid) {
    return new JsonObject().put("expected_newest", expectedNewest.toString()).put("fresh", fresh)
        .put("behind", behind).put("invalid", invalid).encode();
  }

  /** The data of a {@code reset} event: the {@code Last-Event-ID} that could not be resumed from. */
  public static String resetData(String lastEventId) {
    return new JsonObject().put("last_event_id", lastEventId)
        .put("reason", "unknown or forgotten event id: read the current state from /api/v1/alerts").encode();
  }

  private static String singleLine(String field, String value) {
    if (LINE_END.matcher(value).find()) {
      throw new IllegalArgumentException(field + " must be one line: " + value);
    }
    return value;
  }
}

package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pypiwatch.ingest.PollListener;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SseFrameTest {
  @Test
  void anEventHasItsNameIdAndDataAndEndsWithABlankLine() {
    assertEquals("event: alert\nid: abc\ndata: {\"a\":1}\n\n", SseFrame.event("alert", "abc", "{\"a\":1}"));
  }

  @Test
  void withoutAnIdThereIsNoIdLine() {
    assertEquals("event: cycle\ndata: {}\n\n", SseFrame.event("cycle", null, "{}"));
  }

  @Test
  void everyKindOfLineEndInTheDataStartsANewDataLine() {
    assertEquals("event: x\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n", SseFrame.event("x", null, "a\nb\r\nc\rd\n"));
  }

  @Test
  void aNameOrIdOfSeveralLinesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SseFrame.event("a\nb", null, "{}"));
    assertThrows(IllegalArgumentException.class, () -> SseFrame.event("a", "1\r2", "{}"));
    assertThrows(IllegalArgumentException.class, () -> SseFrame.comment("x\ny"));
  }

  @Test
  void aCommentIsAColonLine() {
    assertEquals(": keep-alive\n\n", SseFrame.comment("keep-alive"));
  }

  @Test
  void pollAndCycleData() {
    JsonObject poll = new JsonObject(SseFrame.pollData("rocketlib", PollListener.Outcome.FAILED,
        Instant.parse("2026-04-10T06:00:01Z")));
    assertEquals(new JsonObject().put("package", "rocketlib").put("state", "failed").put("at", "2026-04-10T06:00:01Z"),
        poll);
    assertEquals(new JsonObject().put("expected_newest", "2026-04-09").put("fresh", 3).put("behind", 1)
        .put("invalid", 0), new JsonObject(SseFrame.cycleData(LocalDate.of(2026, 4, 9), 3, 1, 0)));
  }
}

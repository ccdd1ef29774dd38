package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Silences on the wire, their problems named by field, and the rule that an expiry is never undone. */
class SilenceCodecTest {
  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  private static String problem(String json) {
    return assertThrows(EventDecodingException.class,
        () -> SilenceCodec.decode(json.getBytes(StandardCharsets.UTF_8))).getMessage();
  }

  @Test
  void problemsNameTheField() {
    String ok = new String(SilenceCodec.encode(new Silence("a", AlertMatcher.ANY, T, T.plusSeconds(60), null, "", "",
        T, Silence.Source.API)), StandardCharsets.UTF_8);
    assertEquals("field 'ends_at': expected an RFC 3339 UTC timestamp, got 'soon'",
        problem(ok.replace("\"2026-12-06T10:01:00Z\"", "\"soon\"")));
    assertEquals("field 'match.rules': expected an array of strings",
        problem(ok.replace("\"rules\":[]", "\"rules\":\"spike\"")));
    assertEquals("field 'schema': expected 'pypiwatch.silence/1', got 'x'", problem(ok.replace("pypiwatch.silence/1", "x")));
    assertEquals("field 'ends_at': a silence needs an end: ends-at or until-resolved",
        problem(ok.replace("\"2026-12-06T10:01:00Z\"", "null")));
    assertThrows(EventDecodingException.class, () -> SilenceCodec.decode(null));
  }

  @Test
  void ofTwoRecordsOfOneSilenceTheOneEndingFirstCounts() {
    Silence open = new Silence("a", new AlertMatcher(List.of("pip"), List.of(), List.of(), List.of()), T, null,
        "spike:pip:overall:without_mirrors", "", "", T, Silence.Source.API);
    Silence expired = open.expiredAt(T.plusSeconds(5));
    assertEquals(expired, Silence.earlierEnd(open, expired));
    assertEquals(expired, Silence.earlierEnd(expired, open), "whatever the order");
    assertEquals(expired, expired.expiredAt(T.plusSeconds(60)), "an expiry is not moved later");
    assertEquals(Silence.Status.PENDING, open.status(T.minusSeconds(1)));
    assertEquals(Silence.Status.ACTIVE, open.status(T));
    assertEquals(Silence.Status.EXPIRED, expired.status(T.plusSeconds(5)));
  }
}

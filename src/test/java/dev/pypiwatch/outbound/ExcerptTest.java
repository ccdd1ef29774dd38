package dev.pypiwatch.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void whitespaceCollapsesAndOtherControlCharactersAreEscaped() {
    assertEquals("busy \\u001B[2J\\u0000 done", Excerpt.of("  busy\r\n\t\u001b[2J\u0000 done ", 100));
  }

  @Test
  void longTextIsCut() {
    assertEquals("abc…", Excerpt.of("abcdef", 3));
    assertEquals("", Excerpt.of(null, 3));
  }

  @Test
  void aBodyIsDecodedOnlyAsFarAsTheExcerptNeeds() {
    byte[] body = ("error\n" + "x".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
    assertEquals("error " + "x".repeat(Excerpt.BODY_CHARS - 6) + "…", Excerpt.ofBody(body));
  }
}

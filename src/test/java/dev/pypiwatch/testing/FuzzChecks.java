package dev.pypiwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pypiwatch.events.TextFormat;

/** Properties every fuzz test checks of the error messages it provokes. */
public final class FuzzChecks {
  private FuzzChecks() {}

  /**
   * {@code message} can be shown as is: present, not blank, one line, nothing left to escape (so
   * bytes of the input cannot forge a log line or drive a terminal).
   */
  public static void assertShowable(String message) {
    assertNotNull(message, "an error without a message");
    assertFalse(message.isBlank(), "a blank error message");
    assertEquals(TextFormat.printable(message), message, "unescaped characters in: " + message);
  }
}

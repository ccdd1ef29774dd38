package dev.pypiwatch.outbound;

/** The {@code User-Agent} every outbound HTTP request of pypiwatch sends (the upstream's and the receivers'). */
public final class UserAgent {
  private static final String PROJECT_URL = "https://github.com/pypiwatch/pypiwatch";

  private UserAgent() {}

  /** {@code pypiwatch/<version> (+<project URL>[; contact])}; {@code contact} may be null. */
  public static String of(String contact) {
    String extra = contact == null || contact.isBlank() ? "" : "; " + contact.trim();
    return "pypiwatch/" + Version.get() + " (+" + PROJECT_URL + extra + ")";
  }
}

package dev.pypiwatch;

/**
 * A start-up failure the user can fix (a port in use, no broker at an address), with a message
 * ready to print: which resource, which config key, what to do. {@code run} prints it and exits 2.
 */
public final class StartupException extends RuntimeException {
  /** @param message one or more lines naming the resource, the key and the fix */
  public StartupException(String message) {
    super(message);
  }
}

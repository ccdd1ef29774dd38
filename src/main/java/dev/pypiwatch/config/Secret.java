package dev.pypiwatch.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret config value (webhook URL, password) that never shows up in logs or messages:
 * {@link #toString()} is {@code ****} and the value is only available through {@link #reveal()}.
 *
 * <p>A class rather than a record, because a record would expose the value through its accessor
 * and print it in its generated {@code toString()}.
 */
public final class Secret {
  private static final String MASK = "****";

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps {@code value}. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret value; call it only where the value is used, never for logging. */
  public String reveal() {
    return value;
  }

  /** True if the value is the empty string. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    // Constant-time comparison, so equality checks do not leak the value through timing.
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    // Constant: a hash of the value would leak information about it.
    return 0x5ec;
  }

  @Override
  public String toString() {
    return MASK;
  }
}

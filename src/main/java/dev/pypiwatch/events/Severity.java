package dev.pypiwatch.events;

/** How urgent an alert is. */
public enum Severity {
  INFO("info"),
  WARNING("warning"),
  CRITICAL("critical");

  private final String wire;

  Severity(String wire) {
    this.wire = wire;
  }

  /** The spelling on the wire. */
  public String wire() {
    return wire;
  }

  /** The severity spelled {@code wire}. */
  public static Severity fromWire(String wire) {
    for (Severity s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown severity: " + wire);
  }
}

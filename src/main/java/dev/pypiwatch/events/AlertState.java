package dev.pypiwatch.events;

/** Where an alert is in its lifecycle. */
public enum AlertState {
  /** The condition started (sent once per episode). */
  FIRING("firing"),
  /** The condition ended. */
  RESOLVED("resolved");

  private final String wire;

  AlertState(String wire) {
    this.wire = wire;
  }

  /** The spelling on the wire. */
  public String wire() {
    return wire;
  }

  /** The state spelled {@code wire}. */
  public static AlertState fromWire(String wire) {
    for (AlertState s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown alert state: " + wire);
  }
}

package dev.pypiwatch.events;

/** How a published download count was obtained. */
public enum Origin {
  /** A row the upstream sent (or the sum of such rows, e.g. a Python major from its minors). */
  REPORTED("reported"),
  /**
   * No row for a (category, date) inside the covered range of a package whose expected count there
   * is small: the upstream omits zero-download days, so this is a zero. Never used for a busy
   * series or a day missing upstream for everybody (a hole), which stay unknown and unpublished.
   */
  ZERO_FILLED("zero-filled");

  private final String wire;

  Origin(String wire) {
    this.wire = wire;
  }

  /** The spelling on the wire. */
  public String wire() {
    return wire;
  }

  /** The origin spelled {@code wire} on the wire. */
  public static Origin fromWire(String wire) {
    for (Origin o : values()) {
      if (o.wire.equals(wire)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown origin: " + wire);
  }
}

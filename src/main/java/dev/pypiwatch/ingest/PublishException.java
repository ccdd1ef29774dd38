package dev.pypiwatch.ingest;

/**
 * A batch of a package that could not be published: nothing of it is visible to read_committed
 * consumers, unless {@link #outcomeUnknown()} (then re-read the package's committed state before
 * publishing it again).
 */
public final class PublishException extends RuntimeException {
  private final String packageName;
  private final int records;
  private final boolean outcomeUnknown;
  private final boolean moved;

  /**
   * The batch of {@code packageName} with {@code records} records failed for {@code reason};
   * {@code outcomeUnknown} if one of its commits may have gone through after all.
   */
  public PublishException(String packageName, int records, String reason, boolean outcomeUnknown, Throwable cause) {
    this(packageName, records, reason, outcomeUnknown, false, cause);
  }

  private PublishException(String packageName, int records, String reason, boolean outcomeUnknown, boolean moved,
      Throwable cause) {
    super((outcomeUnknown ? "may not have published " : "could not publish ") + records + " records of package "
        + packageName + ": " + reason, cause);
    this.packageName = packageName;
    this.records = records;
    this.outcomeUnknown = outcomeUnknown;
    this.moved = moved;
  }

  /** The batch of {@code packageName} was not sent: the package is another poller instance's now. */
  static PublishException moved(String packageName, int records) {
    return new PublishException(packageName, records, "the package moved to another poller instance", false, true,
        null);
  }

  /** True if the package moved to another instance of the pollers' group: the new owner polls it. */
  public boolean moved() {
    return moved;
  }

  /** True if the batch may have been committed: the package's committed state must be read again. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }

  /** The package whose batch failed. */
  public String packageName() {
    return packageName;
  }

  /** How many records (downloads, recent and poller state) the failed batch had. */
  public int records() {
    return records;
  }
}

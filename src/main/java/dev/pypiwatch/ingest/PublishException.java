package dev.pypiwatch.ingest;

/** A batch of a package that could not be published; nothing of it is visible to read_committed consumers. */
public final class PublishException extends RuntimeException {
  private final String packageName;
  private final int records;

  /** The batch of {@code packageName} with {@code records} records failed for {@code reason}. */
  public PublishException(String packageName, int records, String reason, Throwable cause) {
    super("could not publish " + records + " records of package " + packageName + ": " + reason, cause);
    this.packageName = packageName;
    this.records = records;
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

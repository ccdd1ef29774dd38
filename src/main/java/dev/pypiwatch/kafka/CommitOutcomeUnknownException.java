package dev.pypiwatch.kafka;

/**
 * A commit was requested but not acknowledged (a time-out, an interrupt, a broker gone mid-commit):
 * the transaction may have committed or not. Kafka allows no other operation on that producer, so
 * {@link TransactionalProducer#abortAfter} replaces it; the new producer's {@code initTransactions}
 * settles the outcome, after which a {@code read_committed} read tells which it was.
 */
public final class CommitOutcomeUnknownException extends RuntimeException {
  /** The commit of {@code transactionalId}'s transaction failed with {@code cause}. */
  public CommitOutcomeUnknownException(String transactionalId, RuntimeException cause) {
    super("the commit of transactional id " + transactionalId + " was not acknowledged, it may or may not have "
        + "gone through: " + cause, cause);
  }
}

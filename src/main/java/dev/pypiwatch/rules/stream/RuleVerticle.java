package dev.pypiwatch.rules.stream;

import dev.pypiwatch.kafka.StreamVerticle;
import dev.pypiwatch.rules.RuleMetrics;

/**
 * The deployable rule engine: an {@link AlertStream} on a thread of its own, stopped on undeploy
 * after its transaction.
 *
 * <p>The one class of {@code rules} that may import {@code events}' Kafka side: the detection
 * classes of this package stay free of it.
 */
public final class RuleVerticle extends StreamVerticle {
  /** A verticle running {@code stream} (not yet opened), reporting its health in {@code metrics}. */
  public RuleVerticle(AlertStream stream, RuleMetrics metrics) {
    super("rules", stream, metrics::running);
  }
}

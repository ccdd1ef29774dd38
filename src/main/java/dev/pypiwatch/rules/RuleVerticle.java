package dev.pypiwatch.rules;

import dev.pypiwatch.events.AlertStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployable shell around an {@link AlertStream}: opens it on a worker, runs its blocking loop
 * on a thread of its own (a Kafka consumer is single-threaded and its poll loop never ends, so it
 * does not belong on a shared worker pool) and stops it on undeploy.
 *
 * <p>The one class of {@code rules} that may import Vert.x and {@code events}' Kafka side: the
 * detection classes of this package stay free of both.
 */
public final class RuleVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RuleVerticle.class);

  private final AlertStream stream;
  private final RuleMetrics metrics;
  private final Promise<Void> finished = Promise.promise();

  /** A verticle running {@code stream} (not yet opened), reporting its health in {@code metrics}. */
  public RuleVerticle(AlertStream stream, RuleMetrics metrics) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Succeeds once the stream's producer and consumer are created; fails if Kafka or the topic is missing. */
  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      stream.open();
      return null;
    }).onSuccess(v -> {
      Thread t = new Thread(this::loop, "pypiwatch-rules");
      t.setDaemon(true);
      t.start();
      log.info("rule verticle started");
    });
  }

  /** Succeeds when the loop has finished its transaction and closed its clients. */
  @Override
  public Future<?> stop() {
    stream.stop();
    return finished.future();
  }

  private void loop() {
    metrics.running(true);
    try {
      stream.run();
    } catch (RuntimeException | Error e) {
      // Nothing is lost (offsets are committed with the alerts), but nothing moves: /ready says so.
      metrics.running(false);
      log.error("alert stream ended with an error; no alerts are published until restart", e);
    } finally {
      finished.tryComplete();
    }
  }
}

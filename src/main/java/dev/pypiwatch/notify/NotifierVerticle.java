package dev.pypiwatch.notify;

import dev.pypiwatch.events.NotificationStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployable shell around a {@link NotificationStream}: opens it on a worker, runs its blocking
 * loop on a thread of its own (a Kafka consumer is single-threaded and its poll loop never ends) and
 * stops it on undeploy, after the deliveries in flight had their grace period.
 */
public final class NotifierVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NotifierVerticle.class);

  private final NotificationStream stream;
  private final NotifyMetrics metrics;
  private final Promise<Void> finished = Promise.promise();

  /** A verticle running {@code stream} (not yet opened), reporting its health in {@code metrics}. */
  public NotifierVerticle(NotificationStream stream, NotifyMetrics metrics) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Succeeds once the stream's clients are created; fails if Kafka or a topic is missing. */
  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      stream.open();
      return null;
    }).onSuccess(v -> {
      Thread t = new Thread(this::loop, "pypiwatch-notifier");
      t.setDaemon(true);
      t.start();
      log.info("notifier verticle started");
    });
  }

  /** Succeeds when the loop has recorded what completed and closed its clients. */
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
      // Nothing is lost (unfinished alerts are not committed), but nothing is sent: /ready says so.
      metrics.running(false);
      log.error("notification stream ended with an error; nothing is sent until restart", e);
    } finally {
      finished.tryComplete();
    }
  }
}

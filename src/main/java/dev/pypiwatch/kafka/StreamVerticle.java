package dev.pypiwatch.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployable shell around a blocking Kafka loop (a {@link TransactionalLoop}: the rule stage's,
 * the notifier's): opens it on a worker, runs it on a thread of its own (a Kafka consumer is
 * single-threaded and its poll loop never ends, so it does not belong on a shared worker pool) and
 * stops it on undeploy.
 */
public class StreamVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StreamVerticle.class);

  /** A loop run by a {@link StreamVerticle}. */
  public interface Loop {
    /** Creates the clients; blocking; fails if Kafka or a topic is missing. */
    void open();

    /** Runs until {@link #stop()}, then closes the clients; blocking. */
    void run();

    /** Asks {@link #run()} to finish; any thread. */
    void stop();
  }

  private final String name;
  private final Loop loop;
  private final Consumer<Boolean> running;
  private final Promise<Void> finished = Promise.promise();

  /**
   * A verticle running {@code loop} (not yet opened) on thread {@code "pypiwatch-" + name},
   * reporting whether it runs to {@code running} (false if it ended with an error).
   */
  protected StreamVerticle(String name, Loop loop, Consumer<Boolean> running) {
    this.name = Objects.requireNonNull(name, "name");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.running = Objects.requireNonNull(running, "running");
  }

  /** Succeeds once the loop's clients are created; fails if Kafka or a topic is missing. */
  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      loop.open();
      return null;
    }).onSuccess(v -> {
      Thread t = new Thread(this::loop, "pypiwatch-" + name);
      t.setDaemon(true);
      t.start();
      log.info("{} verticle started", name);
    });
  }

  /** Succeeds when the loop has finished its transaction and closed its clients. */
  @Override
  public Future<?> stop() {
    loop.stop();
    return finished.future();
  }

  private void loop() {
    running.accept(true);
    try {
      loop.run();
    } catch (RuntimeException | Error e) {
      // Nothing is lost (offsets are committed only with the work done), but nothing moves:
      // /ready says so.
      running.accept(false);
      log.error("{} loop ended with an error; nothing moves until restart", name, e);
    } finally {
      finished.tryComplete();
    }
  }
}

package dev.pypiwatch.http;

import dev.pypiwatch.events.Silence;

/** Where the API's silences are stored (the silences topic): {@link #publish} returns once it is durable. */
@FunctionalInterface
public interface SilencePublisher {
  /**
   * Stores {@code s} (a new silence, or a newer record of one). Blocking.
   *
   * @throws RuntimeException if it could not be stored; the message says why
   */
  void publish(Silence s);
}

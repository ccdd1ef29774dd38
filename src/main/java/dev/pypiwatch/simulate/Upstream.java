package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** What the {@link SimulatorServer} serves: the answers of a PyPI Stats upstream, day by day. */
public interface Upstream {

  /**
   * The answer to {@code GET /api/packages/{pkg}/{endpoint}?query}, {@code pkg} as the client sent
   * it (the server's own name handling applies), {@code query} as decoded parameters.
   */
  Answer answer(String pkg, Endpoint endpoint, Map<String, String> query);

  /** The simulated day; its data runs through yesterday (the daily update ran at 01:00 UTC). */
  LocalDate today();

  /** Plays {@code days} daily updates: today moves on, the window with it. */
  void advance(int days);

  /** The package names served (normalized), without the ecosystem total {@code __all__}. */
  List<String> packages();
}

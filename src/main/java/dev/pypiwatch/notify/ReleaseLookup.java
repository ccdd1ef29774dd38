package dev.pypiwatch.notify;

import dev.pypiwatch.events.Release;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds a release of a package uploaded on a day or the day before. The service wires PyPI's JSON
 * API client ({@code api.PypiReleases}) in; an interface, so that notify needs no edge to api.
 */
@FunctionalInterface
public interface ReleaseLookup {
  /** Never looks anything up. */
  ReleaseLookup NONE = (pkg, day) -> CompletableFuture.completedFuture(Optional.empty());

  /** The release of {@code pkg} near {@code day}; empty if none or unknown. Should not fail. */
  CompletionStage<Optional<Release>> near(String pkg, LocalDate day);
}

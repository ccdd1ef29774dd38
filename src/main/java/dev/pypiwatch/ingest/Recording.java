package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The on-disk layout of recorded API responses: {@code DIR/<normalized-package>/<endpoint>.json}.
 *
 * <p>{@code pypiwatch record} writes it and {@code pypiwatch backtest} reads it, so both go
 * through this one class.
 */
public final class Recording {
  private final Path dir;

  /** A recording rooted at {@code dir}. */
  public Recording(Path dir) {
    this.dir = dir;
  }

  /** The root directory. */
  public Path dir() {
    return dir;
  }

  /** Where the body of {@code endpoint} for {@code pkg} lives. */
  public Path file(String pkg, Endpoint endpoint) {
    return dir.resolve(PackageName.normalize(pkg)).resolve(endpoint.path() + ".json");
  }

  /** Writes {@code body} atomically (a reader never sees half a file), creating directories. */
  public Path write(String pkg, Endpoint endpoint, String body) throws IOException {
    Path target = file(pkg, endpoint);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, body, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** Removes a body recorded earlier, so that an endpoint now absent is absent on disk too. */
  public boolean delete(String pkg, Endpoint endpoint) throws IOException {
    return Files.deleteIfExists(file(pkg, endpoint));
  }
}

package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Recording;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes what an upstream answers into a {@link Recording}, as {@code pypiwatch record} would. */
public final class Recordings {
  private Recordings() {}

  /** Records every endpoint of {@code packages} (200 answers only, unfiltered) under {@code dir}. */
  public static Recording record(Upstream upstream, List<String> packages, Path dir) throws IOException {
    Recording recording = new Recording(dir);
    List<String> names = new ArrayList<>(packages);
    for (String pkg : names) {
      for (Endpoint e : Endpoint.values()) {
        Answer a = upstream.answer(pkg, e, Map.of());
        if (a.isOk()) {
          recording.write(pkg, e, a.body());
        }
      }
    }
    return recording;
  }
}

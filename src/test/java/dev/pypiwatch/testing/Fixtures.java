package dev.pypiwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Access to the real API bodies under {@code fixtures/pypistats-real/} on the test classpath. */
public final class Fixtures {
  public static final String DIR = "fixtures/pypistats-real/";

  private Fixtures() {}

  /** The text of fixture {@code name}, e.g. {@code pip_recent.json}. */
  public static String text(String name) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + DIR + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of the fixtures ending with {@code suffix}, sorted. */
  public static List<String> names(String suffix) {
    URL dir = Fixtures.class.getClassLoader().getResource(DIR);
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

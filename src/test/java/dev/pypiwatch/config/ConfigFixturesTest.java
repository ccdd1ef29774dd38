package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One fixture file per kind of error, each with its exact location and key path. */
class ConfigFixturesTest {
  static final Path DIR = Path.of("src/test/resources/config");

  static Stream<Arguments> cases() {
    return Stream.of(
        // fixture, file with the error, line, column, key path, part of the message
        Arguments.of("invalid-syntax.yaml", "invalid-syntax.yaml", 4, 10, "",
            "invalid YAML: expected ',' or ']', but got :"),
        Arguments.of("invalid-unknown-key.yaml", "invalid-unknown-key.yaml", 3, 3,
            "api.min_intervall",
            "unknown key 'min_intervall' in api; did you mean 'min-interval'? Expected one of: "
                + "base-url, contact, min-interval, max-concurrency, request-timeout, "
                + "max-attempts, initial-backoff, max-backoff, rate-limit-backoff, max-body-size"),
        Arguments.of("invalid-wrong-type.yaml", "invalid-wrong-type.yaml", 2, 17,
            "api.max-attempts", "expected an integer >= 1, got 'many'"),
        Arguments.of("invalid-wrong-type-mapping.yaml", "invalid-wrong-type-mapping.yaml", 3, 5,
            "api.base-url", "expected an http(s) URL such as https://pypistats.org/api, got a mapping"),
        Arguments.of("invalid-duration.yaml", "invalid-duration.yaml", 3, 17, "api.min-interval",
            "expected a duration such as 500ms, 30s, 5m, 6h or 1d; got 'fast'"),
        Arguments.of("invalid-duration-bare-number.yaml", "invalid-duration-bare-number.yaml", 2,
            20, "api.request-timeout",
            "a number without a unit is ambiguous: expected a duration such as 500ms, 30s, 5m, 6h "
                + "or 1d; got '30'"),
        Arguments.of("invalid-size.yaml", "invalid-size.yaml", 2, 18, "api.max-body-size",
            "expected a size such as 1024, 512KB, 4MB or 4MiB; got '4 megabytes' (unknown unit "
                + "'megabytes'; use B, KB, MB, GB, KiB, MiB or GiB)"),
        Arguments.of("invalid-package-name.yaml", "invalid-package-name.yaml", 3, 11,
            "watchlist[1].name", "invalid package name '-numpy-'"),
        Arguments.of("invalid-duplicate-package.yaml", "invalid-duplicate-package.yaml", 4, 11,
            "watchlist[2]", "duplicate package 'django': 'django' (line 4) and 'Django' (line 2) "
                + "are the same package after normalization (PEP 503)"),
        Arguments.of("invalid-duplicate-key.yaml", "invalid-duplicate-key.yaml", 4, 3,
            "api.max-attempts", "duplicate key 'max-attempts' (first defined at line 2)"),
        Arguments.of("invalid-missing-env.yaml", "invalid-missing-env.yaml", 2, 12, "api.contact",
            "environment variable PYPIWATCH_CONTACT is not set"),
        Arguments.of("invalid-url.yaml", "invalid-url.yaml", 2, 13, "api.base-url",
            "expected an http(s) URL such as https://pypistats.org/api, got 'ftp://pypistats.org/api'"),
        Arguments.of("invalid-empty.yaml", "invalid-empty.yaml", 0, 0, "", "empty config"),
        Arguments.of("invalid-missing-watchlist-file.yaml", "invalid-missing-watchlist-file.yaml",
            3, 17, "watchlist-file", "cannot read "
                + DIR.resolve("does-not-exist.yaml") + ": no such file"),
        Arguments.of("invalid-watchlist-file-entry.yaml", "packages-bad.yaml", 4, 3,
            "watchlist-file[1].colour",
            "unknown key 'colour' in watchlist-file[1]; expected one of: name, rules"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheErrorWithItsLocation(String fixture, String errorFile, int line, int column,
      String keyPath, String message) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(DIR.resolve(fixture), Map.of()));
    assertEquals(1, e.errors().size(), e.getMessage());
    ConfigError error = e.errors().get(0);
    assertEquals(DIR.resolve(errorFile), error.file(), e.getMessage());
    assertEquals(line, error.line(), e.getMessage());
    assertEquals(column, error.column(), e.getMessage());
    assertEquals(keyPath, error.keyPath(), e.getMessage());
    assertTrue(error.message().contains(message), e.getMessage());
    String where = line > 0 ? DIR.resolve(errorFile) + ":" + line + ":" + column : "" + DIR.resolve(errorFile);
    assertTrue(error.toString().startsWith(where + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ")),
        error.toString());
    assertEquals(e.getMessage(), error.toString());
  }

  @org.junit.jupiter.api.Test
  void reportsAllErrorsAtOnceInLineOrder() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DIR.resolve("invalid-multiple.yaml"), Map.of()));
    Path f = DIR.resolve("invalid-multiple.yaml");
    assertEquals(
        List.of(
            f + ":2:13: api.base-url: expected an http(s) URL such as https://pypistats.org/api, "
                + "got 'not a url'",
            f + ":3:20: api.max-concurrency: expected an integer >= 1, got '0'",
            f + ":4:18: api.max-body-size: expected a size such as 1024, 512KB, 4MB or 4MiB; got "
                + "'12XB' (unknown unit 'XB'; use B, KB, MB, GB, KiB, MiB or GiB)",
            f + ":7:5: watchlist[1]: invalid package name 'bad name!': expected ASCII letters, "
                + "digits, '.', '_' and '-', starting and ending with a letter or digit (PEP 508)",
            f + ":8:1: colour: unknown key 'colour' at the top level; expected one of: "
                + "api, kafka, poller, http, rules, watchlist, watchlist-file, rule-engine, notify"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @org.junit.jupiter.api.Test
  void controlCharactersOfTheFileAreEscapedSoEachErrorIsOneLineNamingFileAndLine() {
    Path f = DIR.resolve("invalid-control-characters.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertEquals(List.of(
            f + ":3:5: watchlist[1]: invalid package name 'numpy\\r\\nX-Injected: 1': expected ASCII "
                + "letters, digits, '.', '_' and '-', starting and ending with a letter or digit (PEP 508)",
            f + ":4:1: colour\\r\\n\\u001B[2J: unknown key 'colour\\r\\n\\u001B[2J' at the top level; "
                + "expected one of: api, kafka, poller, http, rules, watchlist, watchlist-file, "
                + "rule-engine, notify"),
        e.getMessage().lines().toList());
  }

  @org.junit.jupiter.api.Test
  void mergesTheWatchlistFileAfterTheList() throws ConfigException {
    AppConfig config = ConfigLoader.load(DIR.resolve("valid-watchlist-file.yaml"), Map.of());
    assertEquals(List.of("requests", "numpy", "pandas", "zope-interface"),
        config.watchlist().names());
    WatchedPackage zope = config.watchlist().packages().get(3);
    assertEquals("Zope.Interface", zope.declaredName());
    assertEquals(new ConfigLocation(DIR.resolve("packages-good.yaml"), 2, 9), zope.location());
  }

  @org.junit.jupiter.api.Test
  void missingConfigFileIsAnErrorAtLineZero() {
    Path missing = DIR.resolve("no-such-config.yaml");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
    assertEquals(List.of(new ConfigError(missing, 0, 0, "", "cannot read " + missing
        + ": no such file")), e.errors());
    assertEquals(missing + ": cannot read " + missing + ": no such file", e.getMessage());
  }
}

package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Silence;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of silences: the API token, the silences topic, configured silences, and an API body bound like one. */
class SilenceConfigTest {
  private static final Path FILE = Path.of("pypiwatch.yaml");
  private static final Instant NOW = Instant.parse("2026-04-10T06:00:00Z");

  @Test
  void theApiTokenComesFromTheEnvironmentAndIsNeverShown() throws ConfigException {
    AppConfig c = ConfigLoader.parse("http: {api-token: \"${PYPIWATCH_API_TOKEN}\"}\n", FILE,
        Map.of("PYPIWATCH_API_TOKEN", "t0k3n-value"));
    assertEquals("t0k3n-value", c.http().apiToken().reveal());
    assertFalse(c.http().toString().contains("t0k3n-value"), c.http().toString());
    assertTrue(ConfigLoader.parse("watchlist: []\n", FILE, Map.of()).http().apiToken().isEmpty(), "none by default");
    assertTrue(ConfigLoader.parse("http: {api-token: \"${PYPIWATCH_API_TOKEN:-}\"}\n", FILE, Map.of()).http().apiToken()
        .isEmpty(), "unset and optional: none");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("http: {api-token: \"a\\nsecret-line\"}\n", FILE, Map.of()));
    assertFalse(e.getMessage().contains("secret-line"), e.getMessage());
    assertTrue(e.getMessage().contains("http.api-token"), e.getMessage());
  }

  @Test
  void theSilencesTopicHasADefaultAndCanBeNamed() throws ConfigException {
    assertEquals("pypistats.silences", ConfigLoader.parse("watchlist: []\n", FILE, Map.of()).kafka().topics().silences());
    assertEquals("my.silences", ConfigLoader.parse("kafka: {topics: {silences: my.silences}}\n", FILE, Map.of())
        .kafka().topics().silences());
  }

  @Test
  void configuredSilencesMayHaveAStartAndAnAuthorAndGetStableIds() throws ConfigException {
    String yaml = """
        notify:
          receivers: [{name: ops, console: {}}]
          default-receivers: [ops]
          silences:
            - match: {packages: [rocket*]}
              starts-at: 2026-04-11T00:00:00Z
              ends-at: 2026-04-12T00:00:00Z
              created-by: alice
            - ends-at: 2026-04-12T00:00:00Z
        """;
    List<NotifyConfig.Silence> silences = ConfigLoader.parse(yaml, FILE, Map.of()).notifications().silences();
    Silence first = silences.get(0).event(NOW);
    assertEquals(Instant.parse("2026-04-11T00:00:00Z"), first.startsAt());
    assertEquals("alice", first.createdBy());
    assertEquals(Silence.Source.CONFIG, first.source());
    assertEquals(Silence.Status.PENDING, first.status(NOW));
    assertEquals(NOW, silences.get(1).event(NOW).startsAt(), "without starts-at: from start-up");
    assertEquals(first.id(), silences.get(0).event(NOW.plusSeconds(3600)).id(), "the same id after a restart");
    assertFalse(first.id().equals(silences.get(1).event(NOW).id()));

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml.replace(
        "starts-at: 2026-04-11T00:00:00Z", "starts-at: 2026-04-13T00:00:00Z"), FILE, Map.of()));
    assertTrue(e.getMessage().contains("notify.silences[0].ends-at: ends-at (2026-04-12T00:00:00Z) must be after "
        + "starts-at (2026-04-13T00:00:00Z)"), e.getMessage());
  }

  @Test
  void anApiBodyIsBoundLikeAConfiguredSilenceButNotInterpolated() throws ConfigException {
    Silence s = SilenceRequest.bind("""
        {"match": {"packages": ["Rocket_Lib"], "severities": ["warning"]}, "ends-at": "2026-04-11T00:00:00Z",
         "comment": "${HOME} stays as written", "created-by": "bob"}""", "id-1", NOW);
    assertEquals(List.of("rocket-lib"), s.match().packages());
    assertEquals("${HOME} stays as written", s.comment());
    assertEquals(NOW, s.startsAt());
    assertEquals(NOW, s.createdAt());
    assertEquals(Silence.Source.API, s.source());
    ConfigException e = assertThrows(ConfigException.class, () -> SilenceRequest.bind("""
        {"match": {"severities": ["warn"], "states": ["open"]}, "until-resolved": ""}""", "id-2", NOW));
    List<String> paths = e.errors().stream().map(ConfigError::keyPath).toList();
    assertEquals(List.of("match.severities[0]", "match.states[0]", "until-resolved"), paths, e.getMessage());
  }
}

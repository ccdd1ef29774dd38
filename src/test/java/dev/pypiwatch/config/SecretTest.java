package dev.pypiwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Secrets never show up in toString() or in error messages. */
class SecretTest {
  private static final String TOKEN = "T0K3N-s3cr3t";

  record Holder(String name, Secret webhook) {}

  @Test
  void toStringMasksAndRevealGivesTheValue() {
    Secret s = Secret.of(TOKEN);
    assertEquals("****", s.toString());
    assertEquals(TOKEN, s.reveal());
    assertFalse(s.isEmpty());
    assertTrue(Secret.of("").isEmpty());
    assertFalse(new Holder("slack", s).toString().contains(TOKEN));
    assertEquals(Secret.of(TOKEN), s);
    assertEquals(Secret.of(TOKEN).hashCode(), s.hashCode());
    assertNotEquals(Secret.of("other"), s);
  }

  /** Binds {@code webhook-url} as a secret URL, as later sections (Slack) will. */
  private static Optional<Secret> bindWebhook(String yaml, Map<String, String> env)
      throws ConfigException {
    Problems problems = new Problems();
    BindContext ctx = new BindContext(Path.of("secret.yaml"), new Interpolator(env), problems);
    MappingReader m = new MappingReader(
        YamlDocuments.compose(yaml, ctx).root(), "notify", "in notify", ctx);
    Optional<Secret> secret = m.secret("webhook-url", ValueType.HTTP_URL);
    m.finish();
    problems.throwIfAny();
    return secret;
  }

  @Test
  void validSecretIsBoundFromTheEnvironment() throws ConfigException {
    Secret s = bindWebhook("webhook-url: ${HOOK}\n", Map.of("HOOK", "https://hooks.example/" + TOKEN))
        .orElseThrow();
    assertEquals("https://hooks.example/" + TOKEN, s.reveal());
  }

  @Test
  void invalidSecretIsNotEchoed() {
    for (String yaml : new String[] {
        "webhook-url: ${HOOK}\n", "webhook-url: \"htps://hooks.example/" + TOKEN + "\"\n"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> bindWebhook(yaml, Map.of("HOOK", "htps://hooks.example/" + TOKEN)));
      assertEquals(1, e.errors().size());
      assertEquals("secret.yaml:1:14: notify.webhook-url: expected an http(s) URL such as "
          + "https://pypistats.org/api; the value is not shown because it is secret",
          e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN));
    }
  }

  @Test
  void interpolationErrorInASecretDoesNotEchoIt() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> bindWebhook("webhook-url: 'https://x/" + TOKEN + "/${NOPE'\n", Map.of()));
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    assertTrue(e.getMessage().contains("unterminated '${'"), e.getMessage());
  }
}

package dev.pypiwatch.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads a YAML config strictly: unknown keys, wrong types and bad values are errors, and all of
 * them are reported at once with file, line, column and key path.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads {@code file}; a {@code watchlist-file} in it is resolved against the file's directory.
   *
   * @param env environment for {@code ${VAR}} interpolation; production passes {@code
   *     System.getenv()}
   * @throws ConfigException if the file cannot be read or anything in it is invalid
   */
  public static AppConfig load(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, true);
  }

  /**
   * Loads {@code file} for a command that sends nothing ({@code consume}, {@code record}, {@code
   * backtest}): the {@code notify} section is not read (its defaults stand), so its secrets (
   * {@code SLACK_WEBHOOK_URL}, ...) need not be set; {@code run} and {@code check-config} read it.
   *
   * @throws ConfigException if the file cannot be read or anything else in it is invalid
   */
  public static AppConfig loadWithoutNotifications(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, false);
  }

  private static AppConfig load(Path file, Map<String, String> env, boolean notifications) throws ConfigException {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = YamlDocuments.read(file);
    } catch (YamlDocuments.ReadFailure e) {
      throw new ConfigException(List.of(new ConfigError(file, 0, 0, "", e.getMessage())));
    }
    return parse(text, file, env, notifications);
  }

  /**
   * Parses {@code yaml} as if it were the content of {@code nameForMessages}, which names the
   * file in errors and is the base for a relative {@code watchlist-file}.
   *
   * @throws ConfigException if anything is invalid
   */
  public static AppConfig parse(String yaml, Path nameForMessages, Map<String, String> env)
      throws ConfigException {
    return parse(yaml, nameForMessages, env, true);
  }

  private static AppConfig parse(String yaml, Path nameForMessages, Map<String, String> env, boolean notifications)
      throws ConfigException {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(nameForMessages, "nameForMessages");
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems();
    BindContext ctx = new BindContext(nameForMessages, new Interpolator(env), problems);
    YamlDocuments.Document doc = YamlDocuments.compose(yaml, ctx);
    AppConfig config = null;
    if (doc.isEmpty()) {
      // Most likely the wrong file, or one truncated by a failed write; defaults would hide that.
      ctx.error(null, "", "empty config: expected a mapping with keys such as api and watchlist");
    } else if (!doc.failed()) {
      config = RootBinder.bind(doc.root(), ctx, notifications);
    }
    problems.throwIfAny();
    return config;
  }
}

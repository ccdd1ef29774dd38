package dev.pypiwatch.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config could not be loaded; carries every problem found, not just the first. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigError> errors;

  /** @param errors at least one error, in file and line order */
  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** The errors, in file and line order. */
  public List<ConfigError> errors() {
    return errors;
  }
}

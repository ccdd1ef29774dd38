package dev.pypiwatch.config;

/** Binds the {@code http:} section into an {@link HttpConfig}; absent keys take the defaults. */
final class HttpSection {
  static final String KEY = "http";

  private HttpSection() {}

  static HttpConfig bind(MappingReader m) {
    HttpConfig d = HttpConfig.DEFAULTS;
    return new HttpConfig(
        m.get("enabled", ValueType.BOOLEAN, d.enabled()),
        m.get("host", ValueType.HEADER_TEXT, d.host()),
        m.get("port", ValueType.PORT, d.port()),
        // A secret: written as ${PYPIWATCH_API_TOKEN}, never shown in a message.
        m.secret("api-token", ValueType.HEADER_TEXT).orElse(d.apiToken()));
  }
}

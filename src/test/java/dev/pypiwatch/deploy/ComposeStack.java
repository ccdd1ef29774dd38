package dev.pypiwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigError;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import dev.pypiwatch.config.NotifyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A Compose model (one file, or a file with overrides merged as Compose merges them), interpolated
 * with a host environment, and the checks that tie it to the Dockerfile, pom.xml and the config
 * file pypiwatch runs with: what CI can verify of the stack without a Docker engine.
 */
final class ComposeStack {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The real PyPI Stats API's limit is 30 requests a minute. */
  static final Duration REAL_API_MIN_INTERVAL = Duration.ofSeconds(2);

  /** Mailpit's SMTP port (its UI is on 8025). */
  static final int MAILPIT_SMTP_PORT = 1025;

  /** `run` without --config reads this, relative to the image's working directory. */
  static final String DEFAULT_CONFIG = "config/pypiwatch.yaml";

  // Compose interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, $VAR.
  private static final Pattern COMPOSE_VAR = Pattern.compile(
      "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  // pypiwatch's own interpolation (dev.pypiwatch.config.Interpolator): $$, ${VAR}, ${VAR:-default}.
  private static final Pattern CONFIG_VAR =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
  private static final Pattern LOCAL_URL =
      Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/[^\"'\\s,\\]]*)?");
  private static final Pattern PINNED_TAG = Pattern.compile("\\d+\\.\\d+");
  // Sequences whose override replaces the base (Compose merges most other sequences).
  private static final Set<String> REPLACED_SEQUENCES = Set.of("command", "entrypoint", "test");

  final Path dir;
  final ObjectNode model;
  private final List<String> modelProblems = new ArrayList<>();

  /**
   * @param dir the directory of the compose files: relative bind mounts start there
   * @param hostEnv the environment `docker compose` runs in
   * @param files the file and its overrides, in the order given to {@code -f}
   */
  ComposeStack(Path dir, Map<String, String> hostEnv, List<ObjectNode> files) {
    this.dir = dir;
    ObjectNode merged = files.get(0).deepCopy();
    for (ObjectNode override : files.subList(1, files.size())) {
      merge(merged, override, "");
    }
    this.model = (ObjectNode) interpolate(merged, hostEnv, "");
  }

  static ObjectNode read(Path file) {
    try {
      return (ObjectNode) YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the model ------------------------------------------------------------------------------

  /** Mappings merge key by key; scalars and command-like sequences are replaced. */
  private void merge(ObjectNode base, ObjectNode override, String path) {
    override.fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode mine = base.get(key);
      JsonNode theirs = e.getValue();
      String at = path.isEmpty() ? key : path + "." + key;
      if (mine instanceof ObjectNode m && theirs instanceof ObjectNode t) {
        merge(m, t, at);
      } else if (mine instanceof ArrayNode && theirs instanceof ArrayNode
          && !REPLACED_SEQUENCES.contains(key)) {
        // Compose appends or merges these by a key per attribute; no override here needs that yet.
        modelProblems.add(at + ": merging sequences is not modelled by ComposeStack");
      } else {
        base.set(key, theirs.deepCopy());
      }
    });
  }

  private JsonNode interpolate(JsonNode node, Map<String, String> env, String path) {
    if (node instanceof ObjectNode o) {
      ObjectNode out = YAML.createObjectNode();
      o.fields().forEachRemaining(
          e -> out.set(e.getKey(), interpolate(e.getValue(), env, path + "." + e.getKey())));
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = YAML.createArrayNode();
      a.forEach(item -> out.add(interpolate(item, env, path + "[]")));
      return out;
    }
    if (!node.isTextual()) {
      return node;
    }
    Matcher m = COMPOSE_VAR.matcher(node.asText());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        String value = env.get(name);
        String op = m.group(2);
        boolean missing = value == null || (op != null && op.startsWith(":") && value.isEmpty());
        if (!missing) {
          replacement = value;
        } else if (op != null && op.endsWith("-")) {
          replacement = m.group(3);
        } else {
          // Compose substitutes "" and warns for ${VAR}; ${VAR?err} stops it. Both are mistakes here.
          modelProblems.add(path.substring(1) + ": host variable " + name + " is not set");
          replacement = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return TextNode.valueOf(out.toString());
  }

  JsonNode service(String name) {
    return model.path("services").path(name);
  }

  Set<String> serviceNames() {
    Set<String> names = new LinkedHashSet<>();
    model.path("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A service with profiles starts only when one is enabled; none is, in these checks. */
  boolean enabled(String name) {
    JsonNode s = service(name);
    return !s.isMissingNode() && s.path("profiles").isEmpty();
  }

  /** The command as a list (Compose splits a string form like a shell would; no quotes here). */
  List<String> command(String name) {
    JsonNode c = service(name).path("command");
    if (c.isTextual()) {
      return Arrays.asList(c.asText().trim().split("\\s+"));
    }
    List<String> out = new ArrayList<>();
    c.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The environment Compose gives the container (list or mapping form). */
  Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = service(name).path("environment");
    if (e.isArray()) {
      e.forEach(item -> {
        String[] kv = item.asText().split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      });
    } else {
      e.fields().forEachRemaining(
          f -> env.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText()));
    }
    return env;
  }

  /** The dependencies with their condition and whether they are required (long or short form). */
  Map<String, JsonNode> dependsOn(String name) {
    Map<String, JsonNode> deps = new LinkedHashMap<>();
    JsonNode d = service(name).path("depends_on");
    if (d.isArray()) {
      d.forEach(n -> deps.put(n.asText(),
          YAML.createObjectNode().put("condition", "service_started").put("required", true)));
    } else {
      d.fields().forEachRemaining(f -> deps.put(f.getKey(), f.getValue()));
    }
    return deps;
  }

  /** Container ports the service publishes on the host. */
  Set<Integer> publishedContainerPorts(String name) {
    Set<Integer> ports = new TreeSet<>();
    for (JsonNode p : service(name).path("ports")) {
      if (p.isObject()) {
        ports.add(p.path("target").asInt());
      } else {
        String spec = p.asText().replaceFirst("/(tcp|udp)$", "");
        String[] parts = spec.split(":");
        ports.add(Integer.parseInt(parts[parts.length - 1]));
      }
    }
    return ports;
  }

  /** Services built from this repository (the pypiwatch image). */
  boolean builtHere(String name) {
    JsonNode b = service(name).path("build");
    String context = b.isTextual() ? b.asText() : b.path("context").asText(null);
    return context != null && (context.equals(".") || context.equals("./"));
  }

  /** Services whose command is `pypiwatch run`. */
  List<String> runServices() {
    return serviceNames().stream()
        .filter(s -> builtHere(s) && !command(s).isEmpty() && command(s).get(0).equals("run"))
        .toList();
  }

  // ---- the config a `run` service reads -------------------------------------------------------

  /** The host file that `--config` names in the container, through bind mounts or the image. */
  Path configFile(String name, Dockerfile dockerfile, List<String> problems) {
    List<String> cmd = command(name);
    String inContainer = DEFAULT_CONFIG;
    for (int i = 0; i < cmd.size(); i++) {
      if (cmd.get(i).equals("--config") && i + 1 < cmd.size()) {
        inContainer = cmd.get(i + 1);
      } else if (cmd.get(i).startsWith("--config=")) {
        inContainer = cmd.get(i).substring("--config=".length());
      }
    }
    String workdir = dockerfile.last("WORKDIR");
    String absolute = inContainer.startsWith("/") ? inContainer
        : (workdir == null ? "/" : workdir.replaceAll("/$", "") + "/") + inContainer;
    for (JsonNode v : service(name).path("volumes")) {
      String source;
      String target;
      if (v.isObject()) {
        if (!v.path("type").asText().equals("bind")) {
          continue;
        }
        source = v.path("source").asText();
        target = v.path("target").asText();
      } else {
        String[] parts = v.asText().split(":");
        if (parts.length < 2 || !(parts[0].startsWith(".") || parts[0].startsWith("/"))) {
          continue; // a named volume: nothing on the host to read
        }
        source = parts[0];
        target = parts[1];
      }
      Path host = under(absolute, target, dir.resolve(source));
      if (host != null) {
        return host.normalize();
      }
    }
    for (String copy : dockerfile.all("COPY")) {
      String[] parts = copy.trim().split("\\s+");
      if (parts.length == 2 && !parts[0].startsWith("--")) {
        Path host = under(absolute, parts[1], dir.resolve(parts[0]));
        if (host != null) {
          return host.normalize();
        }
      }
    }
    problems.add(name + ": --config " + inContainer + " is neither bind-mounted nor copied into "
        + "the image");
    return null;
  }

  private static Path under(String path, String target, Path hostSource) {
    String t = target.replaceAll("/$", "");
    if (path.equals(t)) {
      return hostSource;
    }
    return path.startsWith(t + "/") ? hostSource.resolve(path.substring(t.length() + 1)) : null;
  }

  /** Loads the service's config file as `pypiwatch run` would in the container, or null. */
  AppConfig config(String name, Path file, List<String> problems) {
    try {
      return ConfigLoader.load(file, environment(name));
    } catch (ConfigException e) {
      for (ConfigError error : e.errors()) {
        problems.add(name + ": " + error);
      }
      return null;
    }
  }

  /** The variables a config file reads, each mapped to whether it has a default. */
  static Map<String, Boolean> variablesRead(Path configFile) {
    Map<String, Boolean> vars = new LinkedHashMap<>();
    try {
      collectVariables(YAML.readTree(configFile.toFile()), vars);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return vars;
  }

  private static void collectVariables(JsonNode node, Map<String, Boolean> vars) {
    if (node.isContainerNode()) {
      node.forEach(child -> collectVariables(child, vars));
      return;
    }
    Matcher m = CONFIG_VAR.matcher(node.asText());
    while (m.find()) {
      if (m.group(1) != null) {
        vars.merge(m.group(1), m.group(2) != null, Boolean::logicalAnd);
      }
    }
  }

  // ---- the checks -----------------------------------------------------------------------------

  /** Every way the stack does not hang together; empty when it does. */
  List<String> problems(String dockerfileText, String pomText) {
    List<String> problems = new ArrayList<>(modelProblems);
    Dockerfile dockerfile = Dockerfile.parse(dockerfileText);
    checkImages(dockerfile, problems);
    checkDependencies(problems);
    checkKafkaImages(pomText, problems);
    List<String> runs = runServices();
    if (runs.isEmpty()) {
      problems.add("no service runs `pypiwatch run`");
    }
    for (String name : runs) {
      Path file = configFile(name, dockerfile, problems);
      AppConfig config = file == null ? null : config(name, file, problems);
      if (config == null) {
        continue;
      }
      checkVariables(name, file, problems);
      checkStatusServer(name, config, dockerfile, problems);
      checkKafka(name, config, problems);
      checkApi(name, config, problems);
      checkMail(name, config, problems);
    }
    for (String name : serviceNames()) {
      if (builtHere(name) && !command(name).isEmpty() && command(name).get(0).equals("simulate")) {
        checkSimulator(name, problems);
      }
    }
    return problems;
  }

  private void checkImages(Dockerfile dockerfile, List<String> problems) {
    for (String name : serviceNames()) {
      JsonNode image = service(name).path("image");
      if (image.isMissingNode()) {
        if (service(name).path("build").isMissingNode()) {
          problems.add(name + ": neither image nor build");
        }
      } else if (!pinned(image.asText())) {
        problems.add(name + ": image " + image.asText() + " is not pinned to a version");
      }
    }
    Set<String> stageNames = new LinkedHashSet<>();
    for (Dockerfile.Stage stage : dockerfile.stages) {
      if (!stageNames.contains(stage.from()) && !pinned(stage.from())) {
        problems.add("Dockerfile: FROM " + stage.from() + " is not pinned to a version");
      }
      if (stage.name() != null) {
        stageNames.add(stage.name());
      }
    }
    String user = dockerfile.last("USER");
    if (user == null || user.equals("root") || user.startsWith("0")) {
      problems.add("Dockerfile: the final stage runs as root (no USER, or USER root)");
    }
    if (!List.of("java", "-jar", "/app/pypiwatch.jar").equals(execForm(dockerfile.last("ENTRYPOINT")))) {
      problems.add("Dockerfile: ENTRYPOINT is not [\"java\", \"-jar\", \"/app/pypiwatch.jar\"] "
          + "(exec form, so that java gets SIGTERM): " + dockerfile.last("ENTRYPOINT"));
    }
    if (dockerfile.all("COPY").stream().noneMatch(c -> c.matches(
        "--from=\\S+\\s+\\S+/pypiwatch\\.jar\\s+/app/pypiwatch\\.jar"))) {
      problems.add("Dockerfile: the final stage does not copy the built pypiwatch.jar to /app");
    }
  }

  /** The words of an exec-form instruction (a JSON array), or an empty list for the shell form. */
  private static List<String> execForm(String args) {
    if (args == null || !args.trim().startsWith("[")) {
      return List.of();
    }
    try {
      List<String> words = new ArrayList<>();
      YAML.readTree(args).forEach(n -> words.add(n.asText()));
      return words;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A version in the tag (17.0.19_10-jre-noble, 4.4.0, v1.31.2) or a digest; not latest, not 17-jre. */
  static boolean pinned(String image) {
    if (image.contains("@sha256:")) {
      return true;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon < slash + 1) {
      return false;
    }
    String tag = image.substring(colon + 1);
    return !tag.equals("latest") && PINNED_TAG.matcher(tag).find();
  }

  private void checkDependencies(List<String> problems) {
    for (String name : serviceNames()) {
      if (!enabled(name)) {
        continue;
      }
      dependsOn(name).forEach((target, spec) -> {
        if (service(target).isMissingNode()) {
          problems.add(name + ": depends on " + target + ", which is not a service");
        } else if (!enabled(target) && spec.path("required").asBoolean(true)) {
          // Compose refuses to start then: "depends on undefined service".
          problems.add(name + ": depends on " + target + ", which is disabled by its profiles, "
              + "and the dependency is required");
        } else if (spec.path("condition").asText().equals("service_healthy")
            && service(target).path("healthcheck").path("test").isMissingNode()
            && !builtHere(target)) {
          problems.add(name + ": waits for " + target + " to be healthy, but " + target
              + " has no healthcheck");
        }
      });
    }
  }

  private void checkKafkaImages(String pomText, List<String> problems) {
    Matcher v = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>").matcher(pomText);
    if (!v.find()) {
      problems.add("pom.xml: no kafka.version property");
      return;
    }
    String clientsMajor = v.group(1).split("\\.")[0];
    for (String name : serviceNames()) {
      String image = service(name).path("image").asText("");
      if (image.startsWith("apache/kafka:") || image.startsWith("apache/kafka-native:")) {
        String brokerMajor = image.substring(image.indexOf(':') + 1).split("\\.")[0];
        if (!brokerMajor.equals(clientsMajor)) {
          problems.add(name + ": image " + image + " is Kafka " + brokerMajor
              + ".x, but pom.xml's kafka-clients is " + v.group(1) + " (major " + clientsMajor + ")");
        }
        String clusterId = environment(name).get("CLUSTER_ID");
        if (clusterId != null) {
          try {
            Uuid.fromString(clusterId);
          } catch (IllegalArgumentException e) {
            problems.add(name + ": CLUSTER_ID " + clusterId + " is not a base64 UUID: "
                + e.getMessage());
          }
        }
      }
    }
  }

  private void checkVariables(String name, Path configFile, List<String> problems) {
    Map<String, Boolean> read = variablesRead(configFile);
    Map<String, String> set = environment(name);
    read.forEach((var, hasDefault) -> {
      if (!hasDefault && !set.containsKey(var)) {
        problems.add(name + ": " + configFile + " needs ${" + var + "}, which compose does not set");
      }
    });
    for (String var : set.keySet()) {
      if (!read.containsKey(var)) {
        // Most likely a misspelt name: the config would silently use its default instead.
        problems.add(name + ": sets " + var + ", which " + configFile + " does not read (reads: "
            + String.join(", ", read.keySet()) + ")");
      }
    }
  }

  private void checkStatusServer(String name, AppConfig config, Dockerfile dockerfile,
      List<String> problems) {
    if (!config.http().enabled()) {
      problems.add(name + ": http.enabled is false: no /health for the healthcheck");
      return;
    }
    int port = config.http().port();
    if (!config.http().host().equals("0.0.0.0")) {
      problems.add(name + ": http.host is " + config.http().host()
          + ": the published port cannot reach it (0.0.0.0 needed in a container)");
    }
    if (!publishedContainerPorts(name).contains(port)) {
      problems.add(name + ": publishes no container port " + port + " (http.port); publishes "
          + publishedContainerPorts(name));
    }
    List<String> exposed = dockerfile.all("EXPOSE").stream()
        .flatMap(e -> Arrays.stream(e.trim().split("\\s+")))
        .map(p -> p.replaceFirst("/tcp$", ""))
        .toList();
    if (!exposed.contains(Integer.toString(port))) {
      problems.add("Dockerfile: EXPOSE " + exposed + " does not include http.port " + port);
    }
    JsonNode own = service(name).path("healthcheck").path("test");
    String check = own.isMissingNode() ? dockerfile.last("HEALTHCHECK") : own.toString();
    String where = own.isMissingNode() ? "Dockerfile HEALTHCHECK" : name + " healthcheck";
    Matcher url = LOCAL_URL.matcher(check == null ? "" : check);
    if (!url.find()) {
      problems.add(where + ": no http://localhost:PORT/health probe in " + check);
    } else if (Integer.parseInt(url.group(1)) != port || !"/health".equals(url.group(2))) {
      problems.add(where + ": probes localhost:" + url.group(1) + url.group(2) + ", but the status "
          + "server answers /health on http.port " + port);
    }
  }

  private void checkKafka(String name, AppConfig config, List<String> problems) {
    if (config.kafka().embedded()) {
      problems.add(name + ": kafka.bootstrap-servers is empty: an embedded broker, not a service");
      return;
    }
    for (String server : config.kafka().bootstrapServers().split(",")) {
      String[] hostPort = server.trim().split(":");
      String host = hostPort[0];
      if (!enabled(host)) {
        problems.add(name + ": bootstrap server " + server + " is not an enabled service");
        continue;
      }
      Map<String, String> kafkaEnv = environment(host);
      Set<String> controllers = Set.of(
          kafkaEnv.getOrDefault("KAFKA_CONTROLLER_LISTENER_NAMES", "").split(","));
      Set<String> advertised = Arrays.stream(
              kafkaEnv.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(","))
          .map(String::trim)
          .filter(l -> l.contains("://") && !controllers.contains(l.substring(0, l.indexOf(':'))))
          .map(l -> l.substring(l.indexOf("://") + 3))
          .collect(Collectors.toCollection(TreeSet::new));
      if (!advertised.contains(server.trim())) {
        problems.add(name + ": bootstrap server " + server + " is not a listener " + host
            + " advertises " + advertised);
      }
      String condition = dependsOn(name).getOrDefault(host, YAML.createObjectNode())
          .path("condition").asText();
      if (!condition.equals("service_healthy")) {
        problems.add(name + ": must wait for " + host + " with condition service_healthy, not '"
            + condition + "' (topics are created at start-up)");
      }
      String port = hostPort.length > 1 ? hostPort[1] : "9092";
      String check = service(host).path("healthcheck").path("test").toString();
      if (!check.contains("localhost:" + port)) {
        problems.add(host + ": healthcheck does not ask the listener on port " + port + ": " + check);
      }
    }
  }

  private void checkApi(String name, AppConfig config, List<String> problems) {
    URI url = URI.create(config.api().baseUrl());
    String host = url.getHost();
    if (!service(host).isMissingNode()) {
      if (!enabled(host)) {
        problems.add(name + ": api.base-url " + url + " names " + host + ", which is disabled");
        return;
      }
      List<String> cmd = command(host);
      int i = cmd.indexOf("--port");
      String port = i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : "(none)";
      if (!builtHere(host) || cmd.isEmpty() || !cmd.get(0).equals("simulate")) {
        problems.add(name + ": api.base-url " + url + " names " + host
            + ", which does not run `pypiwatch simulate`");
      } else if (url.getPort() < 0 || !port.equals(Integer.toString(url.getPort()))) {
        problems.add(name + ": api.base-url " + url + " does not match " + host + "'s --port "
            + port);
      }
      if (!dependsOn(name).containsKey(host)) {
        problems.add(name + ": does not depend on " + host + ", the API it polls");
      }
    } else {
      // Someone else's server: polite pacing, and no clear-text requests.
      if (!url.getScheme().equals("https")) {
        problems.add(name + ": api.base-url " + url + " is outside the stack but not https");
      }
      if (config.api().minInterval().compareTo(REAL_API_MIN_INTERVAL) < 0) {
        problems.add(name + ": api.base-url " + url + " is outside the stack, but api.min-interval "
            + "is " + config.api().minInterval().toMillis() + "ms, under the real server's "
            + REAL_API_MIN_INTERVAL.toMillis() + "ms");
      }
    }
  }

  private void checkMail(String name, AppConfig config, List<String> problems) {
    for (NotifyConfig.Receiver r : config.notifications().receivers()) {
      if (r.kind() != NotifyConfig.Kind.EMAIL || service(r.email().host()).isMissingNode()) {
        continue;
      }
      String host = r.email().host();
      if (!enabled(host)) {
        problems.add(name + ": receiver " + r.name() + " sends to " + host + ", which is disabled");
      }
      if (service(host).path("image").asText().startsWith("axllent/mailpit:")
          && (r.email().port() != MAILPIT_SMTP_PORT || r.email().tls() != NotifyConfig.Tls.NONE)) {
        problems.add(name + ": receiver " + r.name() + " sends to " + host + ":" + r.email().port()
            + " with tls " + r.email().tls() + "; Mailpit listens on plain SMTP, port "
            + MAILPIT_SMTP_PORT);
      }
    }
  }

  private void checkSimulator(String name, List<String> problems) {
    List<String> cmd = command(name);
    int i = cmd.indexOf("--port");
    String port = i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : null;
    JsonNode test = service(name).path("healthcheck").path("test");
    if (port == null) {
      problems.add(name + ": `simulate` without --port");
    } else if (test.isMissingNode()) {
      // The image's HEALTHCHECK asks the status server, which `simulate` does not run.
      problems.add(name + ": no healthcheck of its own; the image's probes /health of `run`");
    } else {
      Matcher url = LOCAL_URL.matcher(test.toString());
      if (!url.find() || !url.group(1).equals(port)) {
        problems.add(name + ": healthcheck " + test + " does not ask the simulator's port " + port);
      }
    }
  }
}

package dev.pypiwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.NotifyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docker-compose stack, checked without a Docker engine: both compose files against the Compose
 * Specification's JSON Schema, and the files against each other, the Dockerfile, pom.xml and the
 * config pypiwatch loads in its container. Each check is shown to fail on a broken copy.
 */
class ComposeFileTest {
  static final Path ROOT = Path.of("");
  static final Path COMPOSE = Path.of("docker-compose.yml");
  static final Path REAL = Path.of("docker-compose.real.yml");
  // A fresh clone on a machine where nobody exported anything: the stack must work as it is.
  static final Map<String, String> CLEAN_HOST = Map.of();
  static final Schema COMPOSE_SCHEMA = composeSchema();

  static Schema composeSchema() {
    try (InputStream in = ComposeFileTest.class.getResourceAsStream("/compose/compose-spec.json")) {
      assertNotNull(in, "src/test/resources/compose/compose-spec.json is missing");
      // Draft 7 plus "deprecated" (a 2019-09 annotation the schema uses), read with a base IRI
      // because the schema's own $id ("compose_spec.json") is relative.
      Dialect draft7 = Dialect.builder(Dialects.getDraft7())
          .keyword(new AnnotationKeyword("deprecated"))
          .build();
      return SchemaRegistry.withDefaultDialect(draft7)
          .getSchema(SchemaLocation.of("classpath:compose/compose-spec.json"), in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> schemaErrors(JsonNode compose) {
    return COMPOSE_SCHEMA.validate(compose).stream().map(Object::toString).toList();
  }

  static ComposeStack stack(ObjectNode... files) {
    return new ComposeStack(ROOT, CLEAN_HOST, List.of(files));
  }

  static ComposeStack defaultStack() {
    return stack(ComposeStack.read(COMPOSE));
  }

  static ComposeStack realStack() {
    return stack(ComposeStack.read(COMPOSE), ComposeStack.read(REAL));
  }

  static List<String> problems(ComposeStack stack) {
    return stack.problems(dockerfile(), ComposeStack.readText(Path.of("pom.xml")));
  }

  static String dockerfile() {
    return ComposeStack.readText(Path.of("Dockerfile"));
  }

  static AppConfig pypiwatchConfig(ComposeStack stack) {
    List<String> problems = new ArrayList<>();
    Path file = stack.configFile("pypiwatch", Dockerfile.parse(dockerfile()), problems);
    AppConfig config = file == null ? null : stack.config("pypiwatch", file, problems);
    assertEquals(List.of(), problems);
    return config;
  }

  // ---- the Compose Specification ---------------------------------------------------------------

  @Test
  void composeFilesAreValidUnderTheComposeSpecification() {
    assertEquals(List.of(), schemaErrors(ComposeStack.read(COMPOSE)), COMPOSE.toString());
    assertEquals(List.of(), schemaErrors(ComposeStack.read(REAL)), REAL.toString());
    // Compose validates the merged model too.
    assertEquals(List.of(), schemaErrors(realStack().model), "merged");
  }

  @Test
  void schemaRejectsAMisspelledKeyAndAnUnknownCondition() {
    ObjectNode misspelt = ComposeStack.read(COMPOSE);
    ObjectNode pypiwatch = (ObjectNode) misspelt.path("services").path("pypiwatch");
    pypiwatch.set("helthcheck", pypiwatch.remove("depends_on"));
    List<String> errors = schemaErrors(misspelt);
    assertTrue(errors.stream().anyMatch(e -> e.contains("helthcheck")), errors.toString());

    ObjectNode badCondition = ComposeStack.read(COMPOSE);
    ((ObjectNode) badCondition.at("/services/pypiwatch/depends_on/kafka"))
        .put("condition", "service_ready");
    errors = schemaErrors(badCondition);
    assertFalse(errors.isEmpty(), "service_ready is no Compose condition");
  }

  // ---- the stack as it is ----------------------------------------------------------------------

  @Test
  void defaultStackHangsTogether() {
    ComposeStack stack = defaultStack();
    assertEquals(List.of(), problems(stack));

    AppConfig config = pypiwatchConfig(stack);
    assertEquals("http://simulator:8090/api", config.api().baseUrl());
    assertEquals("kafka:9092", config.kafka().bootstrapServers());
    assertEquals("0.0.0.0", config.http().host());
    assertEquals(8080, config.http().port());
    assertEquals(List.of("rocketlib", "fading-utils", "snakecharmer", "winbuild-tools", "aurora-requests",
        "zephyr-json", "juniper-http", "dustpan"), config.watchlist().names(), "the simulator's packages");
    assertTrue(config.watchlist().names().containsAll(dev.pypiwatch.simulate.SyntheticPackages.planted(
        java.time.LocalDate.EPOCH).stream().map(p -> p.pkg()).toList()),
        "every planted event is watched");
    assertEquals(java.time.Duration.ofDays(14), config.notifications().maxAlertAge());
    assertTrue(stack.enabled("simulator"));
    assertEquals(List.of("simulate", "--host", "0.0.0.0", "--port", "8090"), stack.command("simulator"));
  }

  @Test
  void alertsGoToMailpitWhoseInboxIsPublished() {
    ComposeStack stack = defaultStack();
    NotifyConfig notify = pypiwatchConfig(stack).notifications();
    assertEquals(1, notify.receivers().size());
    NotifyConfig.Receiver mailpit = notify.receivers().get(0);
    assertEquals(NotifyConfig.Kind.EMAIL, mailpit.kind());
    assertEquals("mailpit", mailpit.email().host());
    assertEquals(ComposeStack.MAILPIT_SMTP_PORT, mailpit.email().port());
    assertEquals(NotifyConfig.Tls.NONE, mailpit.email().tls());
    assertEquals("", mailpit.email().username());
    // Routed by default: every alert reaches the inbox, whatever the routes.
    assertEquals(List.of(mailpit.name()), notify.defaultReceivers());
    assertTrue(stack.service("mailpit").path("image").asText().startsWith("axllent/mailpit:"));
    assertTrue(stack.publishedContainerPorts("mailpit").contains(8025), "Mailpit's UI");
  }

  @Test
  void realApiOverridePollsPypistatsOrgPolitelyWithoutTheSimulator() {
    ComposeStack stack = realStack();
    assertEquals(List.of(), problems(stack));

    AppConfig config = pypiwatchConfig(stack);
    assertEquals("https://pypistats.org/api", config.api().baseUrl());
    assertEquals(Duration.ofSeconds(2), config.api().minInterval());
    assertFalse(stack.enabled("simulator"));
    assertEquals("kafka:9092", config.kafka().bootstrapServers());
  }

  @Test
  void everyImageIsPinned() {
    ComposeStack stack = defaultStack();
    for (String name : stack.serviceNames()) {
      JsonNode image = stack.service(name).path("image");
      assertTrue(image.isMissingNode() || ComposeStack.pinned(image.asText()), name + ": " + image);
    }
    assertTrue(Dockerfile.parse(dockerfile()).stages.size() >= 2, "multi-stage build");
    assertTrue(ComposeStack.pinned("eclipse-temurin:17.0.19_10-jre-noble"));
    assertTrue(ComposeStack.pinned("localhost:5000/apache/kafka:4.4.0"));
    assertFalse(ComposeStack.pinned("eclipse-temurin:17-jre"), "a moving tag");
    assertFalse(ComposeStack.pinned("axllent/mailpit:latest"));
    assertFalse(ComposeStack.pinned("localhost:5000/mailpit"));
  }

  // ---- broken copies are caught ----------------------------------------------------------------

  static Stream<Arguments> brokenCopies() {
    return Stream.of(
        broken("published status port differs from http.port", false,
            f -> services(f.get(0), "pypiwatch").set("ports", array("8081:8081")),
            "publishes no container port 8080"),
        broken("bootstrap servers on the controller port", false,
            f -> env(f.get(0), "pypiwatch").put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093"),
            "bootstrap server kafka:9093 is not a listener kafka advertises"),
        broken("bootstrap servers not set", false,
            f -> env(f.get(0), "pypiwatch").remove("KAFKA_BOOTSTRAP_SERVERS"),
            "environment variable KAFKA_BOOTSTRAP_SERVERS is not set"),
        broken("pypiwatch starts before Kafka is healthy", false,
            f -> ((ObjectNode) f.get(0).at("/services/pypiwatch/depends_on/kafka"))
                .put("condition", "service_started"),
            "must wait for kafka with condition service_healthy"),
        broken("Kafka without healthcheck", false,
            f -> services(f.get(0), "kafka").remove("healthcheck"),
            "kafka has no healthcheck"),
        broken("broker major differs from kafka-clients", false,
            f -> services(f.get(0), "kafka").put("image", "apache/kafka:3.9.1"),
            "is Kafka 3.x, but pom.xml's kafka-clients is"),
        broken("invalid KRaft cluster id", false,
            f -> env(f.get(0), "kafka").put("CLUSTER_ID", "pypiwatch"),
            "CLUSTER_ID pypiwatch is not a base64 UUID"),
        broken("unpinned Mailpit", false,
            f -> services(f.get(0), "mailpit").put("image", "axllent/mailpit:latest"),
            "mailpit: image axllent/mailpit:latest is not pinned"),
        broken("simulator on another port than api.base-url", false,
            f -> services(f.get(0), "simulator").set("command",
                array("simulate", "--port", "8091")),
            "does not match simulator's --port 8091"),
        broken("simulator keeps the image's status-server healthcheck", false,
            f -> services(f.get(0), "simulator").remove("healthcheck"),
            "simulator: no healthcheck of its own"),
        broken("config not mounted", false,
            f -> services(f.get(0), "pypiwatch").set("command",
                array("run", "--config", "/etc/pypiwatch.yaml")),
            "--config /etc/pypiwatch.yaml is neither bind-mounted nor copied"),
        broken("misspelt variable in the override", true,
            f -> {
              ObjectNode env = env(f.get(1), "pypiwatch");
              env.set("PYPISTATS_BASEURL", env.remove("PYPISTATS_BASE_URL"));
            },
            "sets PYPISTATS_BASEURL, which config/docker.yaml does not read"),
        broken("override keeps the simulator's pacing for the real API", true,
            f -> env(f.get(1), "pypiwatch").remove("PYPISTATS_MIN_INTERVAL"),
            "is 200ms, under the real server's 2000ms"),
        broken("simulator disabled but still a required dependency", true,
            f -> ((ObjectNode) f.get(0).at("/services/pypiwatch/depends_on/simulator"))
                .remove("required"),
            "depends on simulator, which is disabled by its profiles"),
        broken("a host variable without default", false,
            f -> env(f.get(0), "pypiwatch").put("PYPIWATCH_CONTACT", "${PYPIWATCH_CONTACT}"),
            "host variable PYPIWATCH_CONTACT is not set"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenCopies")
  void brokenCopyIsCaught(String what, boolean withRealOverride, Consumer<List<ObjectNode>> breakIt,
      String expected) {
    List<ObjectNode> files = new ArrayList<>(List.of(ComposeStack.read(COMPOSE)));
    if (withRealOverride) {
      files.add(ComposeStack.read(REAL));
    }
    assertEquals(List.of(), problems(new ComposeStack(ROOT, CLEAN_HOST, files)), "before");
    breakIt.accept(files);
    List<String> problems = problems(new ComposeStack(ROOT, CLEAN_HOST, files));
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
        "expected a problem containing '" + expected + "', got " + problems);
  }

  @Test
  void dockerfileHealthcheckOnAnotherPortIsCaught() {
    String good = dockerfile();
    String broken = good.replace("localhost:8080/health", "localhost:8081/health");
    assertTrue(!broken.equals(good), "the Dockerfile probes localhost:8080/health");
    List<String> problems = defaultStack().problems(broken,
        ComposeStack.readText(Path.of("pom.xml")));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("Dockerfile HEALTHCHECK: probes "
        + "localhost:8081/health")), problems.toString());
  }

  @Test
  void dockerfileRunningAsRootIsCaught() {
    String broken = dockerfile().replaceAll("(?m)^USER .*$", "USER root");
    List<String> problems = defaultStack().problems(broken,
        ComposeStack.readText(Path.of("pom.xml")));
    assertTrue(problems.stream().anyMatch(p -> p.contains("runs as root")), problems.toString());
  }

  @Test
  void configOnlyListeningOnLoopbackIsCaught(@TempDir Path tmp) throws IOException {
    String config = ComposeStack.readText(Path.of("config/docker.yaml"));
    assertTrue(config.contains("\n  host: 0.0.0.0\n"));
    Files.writeString(tmp.resolve("docker.yaml"),
        config.replace("\n  host: 0.0.0.0\n", "\n  host: 127.0.0.1\n"));
    Files.copy(Path.of("config/watchlist-simulator.yaml"), tmp.resolve("watchlist-simulator.yaml"));
    ObjectNode compose = ComposeStack.read(COMPOSE);
    services(compose, "pypiwatch").set("volumes", array(tmp.toAbsolutePath() + ":/app/config:ro"));
    List<String> problems = problems(stack(compose));
    assertTrue(problems.stream().anyMatch(p -> p.contains("http.host is 127.0.0.1")),
        problems.toString());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static Arguments broken(String what, boolean withRealOverride, Consumer<List<ObjectNode>> breakIt,
      String expected) {
    return Arguments.of(what, withRealOverride, breakIt, expected);
  }

  static ObjectNode services(ObjectNode compose, String name) {
    return (ObjectNode) compose.path("services").path(name);
  }

  static ObjectNode env(ObjectNode compose, String name) {
    return (ObjectNode) services(compose, name).path("environment");
  }

  static ArrayNode array(String... items) {
    ArrayNode a = ComposeStack.YAML.createArrayNode();
    for (String item : items) {
      a.add(item);
    }
    return a;
  }
}

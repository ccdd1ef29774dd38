package dev.pypiwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI document as a test oracle: which routes it names, and whether a real answer (status,
 * Content-Type, body) fits the response it documents. {@code #/components/schemas/...} references
 * are inlined, which is all the document uses.
 */
final class OpenApiContract {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());
  private static final Pattern VERTX_PARAM = Pattern.compile(":(\\w+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final JsonNode doc;

  OpenApiContract() {
    try {
      doc = JSON.readTree(ApiRoutes.openapiDocument());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "GET /api/v1/packages/{package}" for each operation of the document. */
  Set<String> documentedRoutes() {
    Set<String> out = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> out.add(m.toUpperCase() + " " + p.getKey())));
    return out;
  }

  /** The same for the routes {@code router} has under /api/v1 with a method (the catch-alls have none). */
  static Set<String> serverRoutes(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() != null && r.getPath().startsWith(ApiRoutes.BASE) && r.methods() != null
          && !r.methods().isEmpty()) {
        Matcher m = VERTX_PARAM.matcher(r.getPath());
        String path = m.replaceAll("{$1}");
        r.methods().forEach(method -> out.add(method.name() + " " + path));
      }
    }
    return out;
  }

  /** An answer to a request, with its body parsed. */
  record Answer(int status, String contentType, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
    Answer(int status, String contentType, JsonNode body, String raw) {
      this(status, contentType, body, raw, java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true));
    }

    /** The first value of header {@code name}, or null. */
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** GET (or {@code method}) {@code base + path}. */
  static Answer call(String method, String url) {
    return call(method, url, null);
  }

  /** {@code method} {@code url} with JSON {@code body} (none if null) and {@code headers} (name, value, ...). */
  static Answer call(String method, String url, String requestBody, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, requestBody == null
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(requestBody));
      if (requestBody != null) {
        b.header("Content-Type", "application/json");
      }
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = null;
      try {
        body = JSON.readTree(r.body());
      } catch (IOException e) {
        // not JSON: the check below says so
      }
      return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), body, r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asserts that {@code a}, answered for {@code method} on the documented {@code template}, is a
   * documented status with a JSON body valid against its schema.
   */
  void assertDocumented(String method, String template, Answer a) {
    JsonNode op = doc.path("paths").path(template).path(method.toLowerCase());
    assertTrue(op.isObject(), "undocumented operation " + method + " " + template);
    JsonNode response = op.path("responses").path(Integer.toString(a.status()));
    assertTrue(response.isObject(), method + " " + template + ": status " + a.status() + " is not documented: " + a.raw());
    JsonNode media = response.path("content").path("application/json");
    assertTrue(media.isObject(), "no application/json for " + a.status());
    assertTrue(a.contentType().startsWith("application/json"), "Content-Type " + a.contentType());
    assertNotNull(a.body(), "not JSON: " + a.raw());
    Schema schema = REGISTRY.getSchema(inline(media.get("schema")));
    List<String> errors = schema.validate(a.body()).stream().map(Object::toString).toList();
    assertEquals(List.of(), errors, method + " " + template + " " + a.status() + ": " + a.raw());
  }

  /** Asserts that a stream answered on {@code template} has a documented status and event-stream Content-Type. */
  void assertStreamDocumented(String template, int status, String contentType) {
    JsonNode response = doc.path("paths").path(template).path("get").path("responses").path(Integer.toString(status));
    assertTrue(response.isObject(), "GET " + template + ": status " + status + " is not documented");
    assertTrue(response.path("content").path("text/event-stream").isObject(), "no text/event-stream for " + status);
    assertTrue(contentType.startsWith("text/event-stream"), "Content-Type " + contentType);
  }

  /** Asserts that the data of an {@code event} frame on {@code template} is valid against the schema documented for it. */
  void assertEventDocumented(String template, String event, String data) {
    JsonNode schemaNode = doc.path("paths").path(template).path("get").path("responses").path("200").path("content")
        .path("text/event-stream").path("x-event-data").path(event);
    assertTrue(schemaNode.isObject(), "undocumented event " + event + " on " + template);
    JsonNode body;
    try {
      body = JSON.readTree(data);
    } catch (IOException e) {
      throw new AssertionError("data of " + event + " is not JSON: " + data, e);
    }
    List<String> errors = REGISTRY.getSchema(inline(schemaNode)).validate(body).stream().map(Object::toString).toList();
    assertEquals(List.of(), errors, event + ": " + data);
  }

  /**
   * Asserts that a request agrees with the document: every parameter it sends (path and query) is
   * documented for the operation, and the server's verdict matches the document's: a 400 only when
   * some value breaks its documented schema (a repeated single-valued parameter breaks it too), any
   * other status only when every value fits. A request body the server accepted (2xx) must fit the
   * documented request body; a 400 for a body may also be a rule beyond a schema (a day in the past,
   * an alert that is not firing), stated in the operation's description.
   */
  void assertRequestDocumented(String method, String template, String pathAndQuery, int status) {
    assertRequestDocumented(method, template, pathAndQuery, status, null);
  }

  /** The same for a request with JSON {@code requestBody} (null: none). */
  void assertRequestDocumented(String method, String template, String pathAndQuery, int status, String requestBody) {
    JsonNode op = doc.path("paths").path(template).path(method.toLowerCase());
    assertTrue(op.isObject(), "undocumented operation " + method + " " + template);
    URI uri = URI.create("http://x" + pathAndQuery);
    Map<String, List<String>> sent = new java.util.LinkedHashMap<>();
    pathParams(template, uri.getRawPath()).forEach((k, v) -> sent.put("path:" + k, List.of(v)));
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        sent.computeIfAbsent("query:" + name, k -> new java.util.ArrayList<>())
            .add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    List<String> invalid = new java.util.ArrayList<>();
    sent.forEach((key, values) -> {
      String in = key.substring(0, key.indexOf(':'));
      String name = key.substring(key.indexOf(':') + 1);
      JsonNode param = null;
      for (JsonNode p : op.path("parameters")) {
        if (p.path("in").asText().equals(in) && p.path("name").asText().equals(name)) {
          param = p;
        }
      }
      assertNotNull(param, method + " " + template + ": " + in + " parameter '" + name + "' is not documented");
      if (values.size() > 1) {
        invalid.add(name + " given " + values.size() + " times");
        return;
      }
      JsonNode schema = inline(param.path("schema"));
      String value = values.get(0);
      if ("date".equals(schema.path("format").asText())) {
        try {
          java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
          invalid.add(name + ": not a date");
          return;
        }
      }
      List<String> errors = REGISTRY.getSchema(schema).validate(JSON.getNodeFactory().textNode(value)).stream()
          .map(Object::toString).toList();
      errors.forEach(e -> invalid.add(name + ": " + e));
    });
    if (requestBody != null && status < 300) {
      JsonNode schema = op.path("requestBody").path("content").path("application/json").path("schema");
      assertTrue(schema.isObject(), method + " " + template + ": no documented JSON request body");
      JsonNode body;
      try {
        body = JSON.readTree(requestBody);
      } catch (IOException e) {
        throw new AssertionError("accepted a body that is not JSON: " + requestBody, e);
      }
      assertEquals(List.of(), REGISTRY.getSchema(inline(schema)).validate(body).stream().map(Object::toString)
          .toList(), method + " " + pathAndQuery + ": " + status + " for a body the document rejects: " + requestBody);
    }
    if (status == 400 && requestBody != null) {
      assertEquals(List.of(), invalid, "a 400 for the body, with parameters the document rejects too");
    } else if (status == 400) {
      assertTrue(!invalid.isEmpty(), method + " " + pathAndQuery + ": 400, but every parameter fits the document");
    } else {
      assertEquals(List.of(), invalid, method + " " + pathAndQuery + ": " + status + ", but the document rejects");
    }
  }

  /** The values of {@code template}'s {@code {name}} segments in {@code rawPath}. */
  private static Map<String, String> pathParams(String template, String rawPath) {
    String[] t = template.split("/");
    String[] p = rawPath.split("/");
    assertEquals(t.length, p.length, rawPath + " does not match " + template);
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith("{") && t[i].endsWith("}")) {
        out.put(t[i].substring(1, t[i].length() - 1), decode(p[i]));
      } else {
        assertEquals(t[i], p[i], rawPath + " does not match " + template);
      }
    }
    return out;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code node} with every {@code $ref} to {@code #/components/schemas/X} replaced by X (itself inlined). */
  JsonNode inline(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String prefix = "#/components/schemas/";
        assertTrue(ref.asText().startsWith(prefix), "unsupported $ref " + ref);
        JsonNode target = doc.path("components").path("schemas").path(ref.asText().substring(prefix.length()));
        assertTrue(target.isObject(), "dangling $ref " + ref);
        return inline(target);
      }
      ObjectNode out = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), inline(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JSON.createArrayNode();
      node.forEach(n -> out.add(inline(n)));
      return out;
    }
    return node;
  }
}

package dev.pypiwatch.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.AlertMatcher;
import dev.pypiwatch.events.Silence;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds the body of {@code POST /api/v1/silences} (JSON with the keys of a configured silence) into
 * a {@link Silence}, with the binders and messages of the configuration's {@code notify.silences}:
 * the same globs, rule names, severities and states, unknown keys rejected, each problem naming its
 * key path ({@code match.rules[0]}, {@code ends-at}). Nothing in it is interpolated.
 */
public final class SilenceRequest {
  /** Longest comment kept. */
  public static final int MAX_COMMENT = 2000;
  /** Longest created-by kept. */
  public static final int MAX_CREATED_BY = 200;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Path BODY = Path.of("request body");
  private static final ValueType<String> FINGERPRINT =
      new ValueType<>("an alert's fingerprint such as spike:pip:overall:without_mirrors", s -> {
        if (s.isEmpty() || s.length() > 500 || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new IllegalArgumentException(ValueType.message(
              "an alert's fingerprint such as spike:pip:overall:without_mirrors", BindContext.quote(s)));
        }
        return s;
      });

  private SilenceRequest() {}

  /**
   * The silence {@code body} asks for, with {@code id}, created at {@code now} (also its start
   * unless {@code starts-at} is given).
   *
   * @throws ConfigException with every problem, each with its key path (empty for the body as a whole)
   */
  public static Silence bind(String body, String id, Instant now) throws ConfigException {
    Problems problems = new Problems();
    BindContext ctx = new BindContext(BODY, Interpolator.verbatim(), problems);
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      problems.add(BODY, null, "", "not JSON: " + e.getOriginalMessage());
      problems.throwIfAny();
      throw new IllegalStateException("unreachable");
    }
    if (json == null || !json.isObject()) {
      problems.add(BODY, null, "", "expected a JSON object with match and ends-at (or until-resolved), got "
          + (json == null || json.isMissingNode() ? "nothing" : json.getNodeType().toString().toLowerCase()));
      problems.throwIfAny();
    }
    MappingReader m = new MappingReader(node(json), "", "in a silence", ctx);
    boolean hasMatch = m.require("match", "a mapping with packages, rules, severities, states (each a list; "
        + "{} matches every alert)");
    AlertMatcher match = hasMatch ? m.section("match", NotifySection::matcher) : AlertMatcher.ANY;
    // null stands for absent: a client may send back the shape GET answers.
    Optional<Instant> startsAt = optional(m, "starts-at", NotifySection.INSTANT);
    Optional<Instant> endsAt = optional(m, "ends-at", NotifySection.INSTANT);
    Optional<String> untilResolved = optional(m, "until-resolved", FINGERPRINT);
    String comment = m.get("comment", ValueType.STRING, "");
    String createdBy = m.get("created-by", ValueType.STRING, "");
    m.finish();
    if (comment.length() > MAX_COMMENT) {
      m.error("comment", "at most " + MAX_COMMENT + " characters, got " + comment.length());
    }
    if (createdBy.length() > MAX_CREATED_BY) {
      m.error("created-by", "at most " + MAX_CREATED_BY + " characters, got " + createdBy.length());
    }
    Instant start = startsAt.orElse(now);
    if (m.node("ends-at").isEmpty() && m.node("until-resolved").isEmpty()) {
      m.error("ends-at", "missing key 'ends-at': expected " + NotifySection.INSTANT.expected()
          + " (or until-resolved with the fingerprint of the alert whose resolution ends the silence)");
    }
    endsAt.ifPresent(end -> {
      if (!end.isAfter(now)) {
        m.error("ends-at", "ends-at (" + end + ") is not in the future (now: " + now + ")");
      } else if (!end.isAfter(start)) {
        m.error("ends-at", "ends-at (" + end + ") must be after starts-at (" + start + ")");
      }
    });
    problems.throwIfAny();
    return new Silence(id, match, start, endsAt.orElse(null), untilResolved.orElse(null), comment, createdBy, now,
        Silence.Source.API);
  }

  private static <T> Optional<T> optional(MappingReader m, String key, ValueType<T> type) {
    return m.node(key).isPresent() ? m.optional(key, type) : Optional.empty();
  }

  /** The JSON as YAML nodes (without marks), so the configuration's binders read it. */
  private static Node node(JsonNode j) {
    if (j.isObject()) {
      List<NodeTuple> tuples = new ArrayList<>();
      for (var it = j.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        tuples.add(new NodeTuple(scalar(Tag.STR, e.getKey()), node(e.getValue())));
      }
      return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.FLOW);
    }
    if (j.isArray()) {
      List<Node> items = new ArrayList<>();
      j.forEach(item -> items.add(node(item)));
      return new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.FLOW);
    }
    if (j.isNull()) {
      return scalar(Tag.NULL, "null");
    }
    Tag tag = j.isTextual() ? Tag.STR : j.isBoolean() ? Tag.BOOL : j.isIntegralNumber() ? Tag.INT : Tag.FLOAT;
    return scalar(tag, j.asText());
  }

  private static ScalarNode scalar(Tag tag, String value) {
    return new ScalarNode(tag, value, null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
  }
}

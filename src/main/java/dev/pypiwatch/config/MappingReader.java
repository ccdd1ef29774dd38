package dev.pypiwatch.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the keys of one YAML mapping for a binder: typed getters with defaults, errors with
 * locations, and at {@link #finish()} an error for every key no getter asked for.
 *
 * <p>The known keys are exactly the keys the binder asked for, so a section's list of keys (for
 * "expected one of") cannot drift from the code that reads them.
 */
final class MappingReader {
  private final Node node;
  private final String path;
  private final String where;
  private final BindContext ctx;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final Set<String> known = new LinkedHashSet<>();

  /**
   * @param node the mapping; null or a YAML null for an absent or empty section
   * @param path key path of the mapping, empty at the top level
   * @param where how messages name the mapping, e.g. {@code in api}
   */
  MappingReader(Node node, String path, String where, BindContext ctx) {
    this.node = node;
    this.path = path;
    this.where = where;
    this.ctx = ctx;
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        addEntry(tuple);
      }
    }
  }

  private void addEntry(NodeTuple tuple) {
    if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
      ctx.error(tuple.getKeyNode(), path, "expected a key name " + where + ", got "
          + BindContext.describe(tuple.getKeyNode()));
      return;
    }
    String key = keyNode.getValue();
    NodeTuple first = entries.putIfAbsent(key, tuple);
    if (first != null) {
      // SnakeYAML's node API keeps both; silently taking one would hide a copy-paste mistake.
      ctx.error(keyNode, childPath(key), "duplicate key '" + key + "' (first defined at line "
          + (first.getKeyNode().getStartMark().getLine() + 1) + ")");
    }
  }

  /** The key path of {@code key} in this mapping. */
  String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value node of {@code key}, if present and not null; marks the key as known. */
  Optional<Node> node(String key) {
    known.add(key);
    NodeTuple t = entries.get(key);
    return t == null || BindContext.isNull(t.getValueNode())
        ? Optional.empty()
        : Optional.of(t.getValueNode());
  }

  /** The parsed value of {@code key}, or {@code defaultValue} if absent or invalid. */
  <T> T get(String key, ValueType<T> type, T defaultValue) {
    return optional(key, type).orElse(defaultValue);
  }

  /** The parsed value of {@code key}; empty if absent or invalid (the error is recorded). */
  <T> Optional<T> optional(String key, ValueType<T> type) {
    return read(key, type, false);
  }

  /** Like {@link #optional}, but no message ever shows the value. */
  Optional<Secret> secret(String key, ValueType<String> type) {
    return read(key, type, true).map(Secret::of);
  }

  private <T> Optional<T> read(String key, ValueType<T> type, boolean secret) {
    known.add(key);
    NodeTuple t = entries.get(key);
    if (t == null) {
      return Optional.empty();
    }
    if (BindContext.isNull(t.getValueNode())) {
      // "key:" with nothing after it is more likely a slip than a wish for the default.
      ctx.error(t.getValueNode(), childPath(key), ValueType.message(type.expected(), "nothing")
          + " (remove the key to use the default)");
      return Optional.empty();
    }
    return ctx.scalar(t.getValueNode(), childPath(key), type, secret);
  }

  /** True if {@code key} is written, even without a value; marks the key as known. */
  boolean has(String key) {
    known.add(key);
    return entries.containsKey(key);
  }

  /**
   * Binds the mapping under {@code key} with {@code binder}; an absent or empty section is bound
   * like an empty mapping, so defaults come from the same code.
   */
  /** Accepts {@code key} without reading it (a section the command does not need); {@code value} stands for it. */
  <T> T skip(String key, T value) {
    known.add(key);
    return value;
  }

  <T> T section(String key, Function<MappingReader, T> binder) {
    known.add(key);
    NodeTuple t = entries.get(key);
    // An empty section ("slack:") keeps its null node, so a required key it lacks has a location.
    Node value = t == null ? null : t.getValueNode();
    if (value != null && !(value instanceof MappingNode) && !BindContext.isNull(value)) {
      ctx.error(value, childPath(key), "expected a mapping, got " + BindContext.describe(value));
      value = null;
    }
    MappingReader child = new MappingReader(value, childPath(key), "in " + childPath(key), ctx);
    T result = binder.apply(child);
    child.finish();
    return result;
  }

  /**
   * True if {@code key} has a value; otherwise records that the required key is missing (or
   * empty) and returns false.
   *
   * @param expected completes "expected ...", e.g. {@code an http(s) URL}
   */
  boolean require(String key, String expected) {
    known.add(key);
    NodeTuple t = entries.get(key);
    if (t == null) {
      ctx.error(node, path, "missing key '" + key + "': expected " + expected);
      return false;
    }
    if (BindContext.isNull(t.getValueNode())) {
      ctx.error(t.getValueNode(), childPath(key), ValueType.message(expected, "nothing"));
      return false;
    }
    return true;
  }

  /**
   * The items of the list under {@code key}; empty if absent, or if it is not a list (the error
   * is recorded).
   *
   * @param expected completes "expected ...", e.g. {@code a list of percentages such as [25, 50]}
   */
  Optional<List<Node>> items(String key, String expected) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!(value.get() instanceof SequenceNode seq)) {
      error(key, "expected " + expected + ", got " + BindContext.describe(value.get()));
      return Optional.empty();
    }
    return Optional.of(seq.getValue());
  }

  /** The key path of item {@code i} of the list under {@code key}. */
  String itemPath(String key, int i) {
    return childPath(key) + "[" + i + "]";
  }

  /** Records an error at the value of {@code key}, or at this mapping if the key is absent. */
  void error(String key, String message) {
    NodeTuple t = entries.get(key);
    ctx.error(t != null ? t.getValueNode() : node, childPath(key), message);
  }

  /** The context of this mapping's file. */
  BindContext context() {
    return ctx;
  }

  /** Records an error for every key that no getter asked for. */
  void finish() {
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      String key = e.getKey();
      if (!known.contains(key)) {
        String hint = KeySuggestions.nearest(key, known)
            .map(s -> "; did you mean '" + s + "'? Expected one of: ")
            .orElse("; expected one of: ");
        ctx.error(e.getValue().getKeyNode(), childPath(key), "unknown key '" + key + "' " + where
            + hint + String.join(", ", known));
      }
    }
  }
}

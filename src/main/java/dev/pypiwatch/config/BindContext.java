package dev.pypiwatch.config;

import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** What binding one file needs: the file's name, the environment and the error collector. */
final class BindContext {
  private static final int MAX_SHOWN = 60;

  final Path file;
  final Interpolator interpolator;
  final Problems problems;

  BindContext(Path file, Interpolator interpolator, Problems problems) {
    this.file = file;
    this.interpolator = interpolator;
    this.problems = problems;
  }

  /** The same environment and collector for another file (the watchlist file). */
  BindContext forFile(Path other) {
    return new BindContext(other, interpolator, problems);
  }

  /** Records an error at {@code node}'s start, or for the whole file if {@code node} is null. */
  void error(Node node, String keyPath, String message) {
    problems.add(file, node == null ? null : node.getStartMark(), keyPath, message);
  }

  /** The node's text with variables interpolated; empty (and an error recorded) on failure. */
  Optional<String> text(ScalarNode node, String keyPath) {
    try {
      return Optional.of(interpolator.interpolate(node.getValue()));
    } catch (Interpolator.InterpolationException e) {
      error(node, keyPath, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Parses a scalar value; empty (and an error recorded) if it is not a scalar, is null, or does
   * not parse. With {@code secret}, no message shows the value.
   */
  <T> Optional<T> scalar(Node value, String keyPath, ValueType<T> type, boolean secret) {
    if (!(value instanceof ScalarNode scalar) || isNull(value)) {
      error(value, keyPath, ValueType.message(type.expected(), describe(value)));
      return Optional.empty();
    }
    Optional<String> text = text(scalar, keyPath);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(type.parser().apply(text.get()));
    } catch (IllegalArgumentException e) {
      error(value, keyPath, secret
          ? "expected " + type.expected() + "; the value is not shown because it is secret"
          : e.getMessage());
      return Optional.empty();
    }
  }

  /** The location of {@code node} in this file. */
  ConfigLocation location(Node node) {
    return new ConfigLocation(
        file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
  }

  /** True for {@code ~}, {@code null} and a key without a value. */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** How a value is shown after "got": {@code 'text'}, {@code a mapping}, {@code nothing}. */
  static String describe(Node node) {
    if (node.getNodeId() == NodeId.mapping) {
      return "a mapping";
    }
    if (node.getNodeId() == NodeId.sequence) {
      return "a list";
    }
    if (isNull(node)) {
      return "nothing";
    }
    return quote(((ScalarNode) node).getValue());
  }

  /** Quotes {@code text} for a message, shortened so one bad value cannot flood the output. */
  static String quote(String text) {
    String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
    return "'" + shown + "'";
  }
}

package dev.pypiwatch.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads files and parses YAML into nodes, turning failures into config errors. */
final class YamlDocuments {
  private YamlDocuments() {}

  /**
   * The parsed document.
   *
   * @param root the root node; null if the document is empty or did not parse
   * @param failed true if a syntax error was recorded
   */
  record Document(Node root, boolean failed) {
    boolean isEmpty() {
      return !failed && (root == null || BindContext.isNull(root));
    }
  }

  /** A file could not be read; the message says why, for the user. */
  static final class ReadFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ReadFailure(String message) {
      super(message);
    }
  }

  /** The file's text, decoded strictly as UTF-8. */
  static String read(Path file) throws ReadFailure {
    if (Files.isDirectory(file)) {
      throw new ReadFailure("cannot read " + file + ": it is a directory");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ReadFailure("cannot read " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ReadFailure("cannot read " + file + ": permission denied");
    } catch (CharacterCodingException e) {
      throw new ReadFailure("cannot read " + file + ": not valid UTF-8");
    } catch (IOException e) {
      throw new ReadFailure("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Parses {@code text} into nodes (keeping line and column); syntax errors go to {@code ctx}. */
  static Document compose(String text, BindContext ctx) {
    try {
      // The node API, not load(): nodes keep their marks, and no Java object is ever constructed.
      return new Document(new Yaml(new LoaderOptions()).compose(new StringReader(text)), false);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      // getMessage() would add a snippet of the line, which may hold a secret; the problem alone
      // says what is wrong.
      ctx.problems.add(ctx.file, mark, "", "invalid YAML: " + describe(e));
      return new Document(null, true);
    } catch (YAMLException e) {
      ctx.problems.add(ctx.file, null, "", "invalid YAML: " + e.getMessage());
      return new Document(null, true);
    }
  }

  private static String describe(MarkedYAMLException e) {
    String context = e.getContext();
    String problem = e.getProblem();
    if (problem == null || context == null) {
      return problem != null ? problem : String.valueOf(context);
    }
    // SnakeYAML splits some messages as context "expected X" and problem "but found Y".
    return problem.startsWith("but ")
        ? context + ", " + problem
        : problem + " (" + context + ")";
  }
}

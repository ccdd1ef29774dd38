package dev.pypiwatch.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Dockerfile the compose checks need: its stages' base images and the final stage's
 * instructions. Reads the text only (continuation lines joined, comments dropped).
 */
final class Dockerfile {
  /** One instruction: keyword in upper case, the rest as written. */
  record Instruction(String keyword, String args) {}

  /** A {@code FROM}: the image (or an earlier stage's name) and the stage's own name, if any. */
  record Stage(String from, String name, List<Instruction> instructions) {}

  private static final Pattern FROM =
      Pattern.compile("(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+[Aa][Ss]\\s+(\\S+))?\\s*");

  final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = List.copyOf(stages);
  }

  static Dockerfile parse(String text) {
    List<Stage> stages = new ArrayList<>();
    List<Instruction> current = null;
    StringBuilder logical = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (logical.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (!logical.isEmpty() && trimmed.startsWith("#")) {
        continue; // a comment inside a continued instruction is dropped by Docker too
      }
      if (trimmed.endsWith("\\")) {
        logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      logical.append(trimmed);
      String whole = logical.toString().strip();
      logical.setLength(0);
      if (whole.isEmpty()) {
        continue;
      }
      String[] parts = whole.split("\\s+", 2);
      Instruction instruction =
          new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
      if (instruction.keyword().equals("FROM")) {
        Matcher m = FROM.matcher(instruction.args());
        if (!m.matches()) {
          throw new IllegalArgumentException("unreadable FROM: " + whole);
        }
        current = new ArrayList<>();
        stages.add(new Stage(m.group(1), m.group(2), current));
      } else if (current != null) {
        current.add(instruction);
      }
    }
    return new Dockerfile(stages);
  }

  /** The stage the image is made of: the last one. */
  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  /** The arguments of the final stage's instructions with this keyword, in order. */
  List<String> all(String keyword) {
    return finalStage().instructions().stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::args)
        .toList();
  }

  /** The last such instruction's arguments in the final stage (the one in force), or null. */
  String last(String keyword) {
    List<String> found = all(keyword);
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }
}

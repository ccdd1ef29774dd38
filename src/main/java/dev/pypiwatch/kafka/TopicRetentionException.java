package dev.pypiwatch.kafka;

import java.util.List;

/**
 * Existing topics would expire what pypiwatch reads back at start (or the configured retention is
 * too short for it); the message has one line per topic with the found and needed values and the
 * {@code kafka-configs} command that fixes it.
 */
public final class TopicRetentionException extends RuntimeException {
  private final List<String> problems;

  /** @param problems one message per finding, each naming the topic, what it has, what is needed and the fix */
  public TopicRetentionException(List<String> problems) {
    super(String.join("\n", problems) + "\n(to start anyway, at the risk of rebuilding from less history, set"
        + " kafka.topics.retention-check: warn)");
    this.problems = List.copyOf(problems);
  }

  /** The findings, one message each. */
  public List<String> problems() {
    return problems;
  }
}

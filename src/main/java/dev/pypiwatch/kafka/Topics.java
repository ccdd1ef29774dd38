package dev.pypiwatch.kafka;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.RecentObservation;
import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import java.util.List;
import java.util.Objects;

/**
 * The names of pypiwatch's six topics, taken from {@link TopicsConfig}.
 *
 * @param downloads daily download observations ({@link DownloadObservation}), key = package
 * @param recent {@code /recent} figures ({@link RecentObservation}), key = package
 * @param pollerState compacted; the poller's state snapshot per package, key = package
 * @param alerts compacted; the rule engine's alert transitions, key = fingerprint
 * @param silences compacted; the silences created through the API, key = silence id
 * @param ruleState compacted, internal; the rule stage's changelog: each package's rule state
 *     (binary, {@code RuleStateCodec}), key = package, partitioned as the downloads topic
 */
public record Topics(String downloads, String recent, String pollerState, String alerts, String silences,
    String ruleState) {

  public Topics {
    Objects.requireNonNull(downloads, "downloads");
    Objects.requireNonNull(recent, "recent");
    Objects.requireNonNull(pollerState, "pollerState");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(silences, "silences");
    Objects.requireNonNull(ruleState, "ruleState");
  }

  /** The names configured in {@code config}. */
  public static Topics from(TopicsConfig config) {
    return new Topics(config.downloads(), config.recent(), config.pollerState(), config.alerts(), config.silences(),
        config.ruleState());
  }

  /** All six names. */
  public List<String> all() {
    return List.of(downloads, recent, pollerState, alerts, silences, ruleState);
  }
}

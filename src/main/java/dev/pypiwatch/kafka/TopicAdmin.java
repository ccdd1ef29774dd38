package dev.pypiwatch.kafka;

import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates pypiwatch's topics when they are missing; leaves existing ones alone. */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /**
   * How long the alerts topic keeps every transition before compaction may drop all but the last
   * one per fingerprint. Compaction (not deletion) because the rule verticle restores the lifecycle
   * from the last transition of each fingerprint: with time-based deletion an alert firing for
   * longer than the retention would be forgotten and fire again after a restart. Consumers that
   * want the history (notifiers, dashboards) get a week of it, far more than their lag.
   */
  public static final long ALERT_HISTORY_MS = 7L * 24 * 3600 * 1000;

  private TopicAdmin() {}

  /**
   * Creates the missing topics of {@code config}: downloads and recent with the configured
   * partitions and replication, the poller-state topic the same but compacted, the alerts topic
   * compacted with {@link #ALERT_HISTORY_MS} of full history, the silences topic compacted (each
   * silence's latest record is its state). Safe to run
   * concurrently (a topic created meanwhile counts as existing). Blocking.
   *
   * @return the names of the topics this call created
   */
  public static Set<String> ensureTopics(Admin admin, TopicsConfig config) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : wanted(config)) {
        if (!existing.contains(t.name())) {
          missing.add(t);
        }
      }
      Set<String> created = create(admin, missing);
      checkExisting(admin, config, existing);
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot ensure topics " + Topics.from(config).all() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ensuring topics", e);
    }
  }

  /**
   * Creates the notifier's topics of {@code notify} when missing, with {@code layout}'s partitions
   * and replication: the sent topic compacted (the notifier's memory of what it sent, needed as long
   * as an alert can be read again), the dead-letter topic with the broker's retention. Blocking.
   *
   * @return the names of the topics this call created
   */
  public static Set<String> ensureNotificationTopics(Admin admin, String sentTopic, String dlqTopic,
      TopicsConfig layout) {
    NewTopic sent = new NewTopic(sentTopic, layout.partitions(), layout.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    NewTopic dlq = new NewTopic(dlqTopic, layout.partitions(), layout.replicationFactor());
    try {
      Set<String> existing = admin.listTopics().names().get();
      Set<String> created = create(admin, List.of(sent, dlq).stream().filter(t -> !existing.contains(t.name())).toList());
      if (existing.contains(sentTopic)) {
        warnIfNotCompacted(admin, sentTopic);
      }
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot ensure topics " + sentTopic + ", " + dlqTopic + ": "
          + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ensuring topics", e);
    }
  }

  static List<NewTopic> wanted(TopicsConfig c) {
    NewTopic state = new NewTopic(c.pollerState(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    NewTopic alerts = new NewTopic(c.alerts(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(ALERT_HISTORY_MS)));
    NewTopic silences = new NewTopic(c.silences(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    return List.of(
        new NewTopic(c.downloads(), c.partitions(), c.replicationFactor()),
        new NewTopic(c.recent(), c.partitions(), c.replicationFactor()),
        state,
        alerts,
        silences);
  }

  private static Set<String> create(Admin admin, List<NewTopic> missing)
      throws ExecutionException, InterruptedException {
    Set<String> created = new LinkedHashSet<>();
    if (missing.isEmpty()) {
      return created;
    }
    for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(missing).values().entrySet()) {
      try {
        e.getValue().get();
        created.add(e.getKey());
        LOG.info("Created topic {}", e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
        LOG.debug("Topic {} was created concurrently", e.getKey());
      }
    }
    return created;
  }

  /** Logs (does not change) existing topics whose layout differs from the configuration. */
  private static void checkExisting(Admin admin, TopicsConfig config, Set<String> existing)
      throws ExecutionException, InterruptedException {
    List<String> present = Topics.from(config).all().stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return;
    }
    Map<String, TopicDescription> desc = admin.describeTopics(present).allTopicNames().get();
    for (TopicDescription d : desc.values()) {
      if (d.partitions().size() != config.partitions()) {
        LOG.warn("Topic {} has {} partitions, configured {}; left as is",
            d.name(), d.partitions().size(), config.partitions());
      }
    }
    if (present.contains(config.pollerState())) {
      warnIfNotCompacted(admin, config.pollerState());
    }
    if (present.contains(config.alerts())) {
      warnIfNotCompacted(admin, config.alerts());
    }
    if (present.contains(config.silences())) {
      warnIfNotCompacted(admin, config.silences());
    }
  }

  private static void warnIfNotCompacted(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config cfg = admin.describeConfigs(List.of(r)).all().get().get(r);
    String policy = cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null
        ? "" : cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      LOG.warn("Topic {} has cleanup.policy={}, expected compact: old state may be deleted", topic, policy);
    }
  }
}

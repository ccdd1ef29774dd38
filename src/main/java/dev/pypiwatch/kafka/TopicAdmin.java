package dev.pypiwatch.kafka;

import dev.pypiwatch.kafka.KafkaConfig.TopicsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates pypiwatch's topics when they are missing; checks that existing ones keep what the
 * rebuild at start reads, and otherwise leaves them alone.
 */
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

  /**
   * What {@link #neededHistory} adds to the rules' look-back: a day is published the day after it at
   * the earliest, and after an upstream outage of up to this long the rule stage evaluates the
   * missed days late, against baselines that many days older.
   */
  public static final Duration REBUILD_MARGIN = Duration.ofDays(30);

  /**
   * The segment size of the rule-state topic: compaction never touches the active segment, and the
   * stage rewrites each evaluated package's state (~10 KB) every day, so with Kafka's 1 GB default
   * a restore would read up to a gigabyte of superseded states; 64 MB keeps it near the live size.
   */
  static final int RULE_STATE_SEGMENT_BYTES = 64 * 1024 * 1024;

  private static final String FOREVER = "-1";

  /**
   * What the start-up check compares existing topics with.
   *
   * @param history how long the downloads topic must keep records ({@link #neededHistory})
   * @param bootstrapServers the cluster, for the {@code kafka-configs} command in messages
   * @param embedded the topics live on pypiwatch's own embedded broker: a too short retention of the
   *     downloads topic (one created by an older pypiwatch with the broker's default) is raised to
   *     the configured one instead of reported
   */
  public record Needs(Duration history, String bootstrapServers, boolean embedded) {
    public Needs {
      Objects.requireNonNull(history, "history");
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }
  }

  private TopicAdmin() {}

  /**
   * How long the downloads topic must keep records for the rule stage to rebuild the state it
   * would have had without a restart: {@code lookBackDays} (the rules' look-back, {@code
   * RulesConfig.lookBackDays()}) plus {@link #REBUILD_MARGIN}.
   */
  public static Duration neededHistory(int lookBackDays) {
    return Duration.ofDays(lookBackDays).plus(REBUILD_MARGIN);
  }

  /**
   * {@link #ensureTopics(Admin, TopicsConfig, Needs)} checking existing topics against the
   * configured downloads retention, on an external cluster whose address is not named.
   */
  public static Set<String> ensureTopics(Admin admin, TopicsConfig config) {
    return ensureTopics(admin, config, new Needs(config.downloadsRetention(), "<bootstrap-servers>", false));
  }

  /**
   * Creates the missing topics of {@code config}: downloads with {@code retention.ms} = the
   * configured {@link TopicsConfig#downloadsRetention()}, recent with the broker's retention (nothing
   * in pypiwatch reads it back), the poller-state, alerts, silences and rule-state topics compacted
   * (kept for ever: they are restored at every start; alerts with {@link #ALERT_HISTORY_MS} of full
   * history, rule-state in {@link #RULE_STATE_SEGMENT_BYTES} segments).
   * Then checks the topics that existed: a partition count other than configured is logged; a
   * cleanup policy or retention that would expire what a rebuild reads (see {@link
   * #retentionProblems}) fails the start with a {@link TopicRetentionException} naming the topic, the
   * found and needed values and the command that fixes it, or (with {@link
   * TopicsConfig#failOnShortRetention()} false) is logged as a warning. Safe to run concurrently (a
   * topic created meanwhile counts as existing). Blocking.
   *
   * @return the names of the topics this call created
   * @throws TopicRetentionException when the configured downloads retention is shorter than {@code
   *     needs.history()}, or an existing topic's retention is too short (unless downgraded)
   */
  public static Set<String> ensureTopics(Admin admin, TopicsConfig config, Needs needs) {
    List<String> problems = new ArrayList<>();
    if (config.downloadsRetention().compareTo(needs.history()) < 0) {
      problems.add("kafka.topics.downloads-retention is " + days(config.downloadsRetention().toMillis())
          + ", shorter than the " + days(needs.history().toMillis()) + " the rule stage needs to rebuild its state"
          + " (the rules' look-back plus a " + REBUILD_MARGIN.toDays() + "-day margin): set it to at least "
          + needs.history().toDays() + "d");
    }
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : wanted(config)) {
        if (!existing.contains(t.name())) {
          missing.add(t);
        }
      }
      Set<String> created = create(admin, missing);
      Set<String> found = existingAfter(existing, missing, created);
      checkExisting(admin, config, found);
      List<String> present = Topics.from(config).all().stream().filter(found::contains).toList();
      problems.addAll(retentionProblems(admin, config, needs, present));
      report(problems, config.failOnShortRetention());
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
   * as an alert can be read again), the dead-letter topic with the broker's retention. An existing
   * sent topic that would expire records is reported as {@link #ensureTopics(Admin, TopicsConfig,
   * Needs)} does. Blocking.
   *
   * @return the names of the topics this call created
   */
  public static Set<String> ensureNotificationTopics(Admin admin, String sentTopic, String dlqTopic,
      TopicsConfig layout) {
    return ensureNotificationTopics(admin, sentTopic, dlqTopic, layout, "<bootstrap-servers>");
  }

  /**
   * Creates the sharded pollers' watchlist topic when missing: compacted (key = package), with as
   * many partitions as the poller-state topic, so a package's watchlist, poller-state and downloads
   * partitions have the same number (the same key, the same default partitioner). Returns what it created.
   */
  public static Set<String> ensureWatchlistTopic(Admin admin, String watchlistTopic, TopicsConfig layout) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      if (existing.contains(watchlistTopic)) {
        return Set.of();
      }
      int partitions = existing.contains(layout.pollerState())
          ? admin.describeTopics(List.of(layout.pollerState())).allTopicNames().get()
              .get(layout.pollerState()).partitions().size()
          : layout.partitions();
      NewTopic topic = new NewTopic(watchlistTopic, partitions, layout.replicationFactor())
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      return create(admin, List.of(topic));
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot ensure topic " + watchlistTopic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ensuring topics", e);
    }
  }

  /** {@link #ensureNotificationTopics(Admin, String, String, TopicsConfig)} naming the cluster in messages. */
  public static Set<String> ensureNotificationTopics(Admin admin, String sentTopic, String dlqTopic,
      TopicsConfig layout, String bootstrapServers) {
    NewTopic sent = new NewTopic(sentTopic, layout.partitions(), layout.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    NewTopic dlq = new NewTopic(dlqTopic, layout.partitions(), layout.replicationFactor());
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = List.of(sent, dlq).stream().filter(t -> !existing.contains(t.name())).toList();
      Set<String> created = create(admin, missing);
      if (existingAfter(existing, missing, created).contains(sentTopic)) {
        Config cfg = describe(admin, List.of(sentTopic)).get(sentTopic);
        List<String> problems = new ArrayList<>();
        keptForEver(sentTopic, cfg, "the notifier reads it whole at every start to know what it sent: a message"
            + " whose record expired could be sent again", bootstrapServers, problems);
        report(problems, layout.failOnShortRetention());
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

  /**
   * What is wrong with the retention of the {@code present} topics of {@code config} for the
   * rebuild, one message per finding (empty: nothing). The downloads topic must not be compacted
   * (its key is the package: compaction would keep one day per package) and must keep records for
   * {@code needs.history()}; the poller-state, alerts, silences and rule-state topics must keep them for ever
   * (compacted, no time- or size-based deletion). A downloads topic with {@code retention.bytes}
   * set is logged (how much it holds cannot be told from its configuration), not reported. On
   * {@code needs.embedded()} a too short downloads retention is raised to the configured one.
   */
  static List<String> retentionProblems(Admin admin, TopicsConfig config, Needs needs, List<String> present)
      throws ExecutionException, InterruptedException {
    List<String> problems = new ArrayList<>();
    if (present.isEmpty()) {
      return problems;
    }
    Map<String, Config> configs = describe(admin, present);
    Map<String, String> keptForEver = new LinkedHashMap<>();
    keptForEver.put(config.pollerState(), "the poller restores what it has published from it at every start:"
        + " a package whose snapshot expired is backfilled and published again");
    keptForEver.put(config.alerts(), "the rule stage restores each alert's lifecycle from it at every start and"
        + " rebalance: an alert firing longer than that fires again after a restart");
    keptForEver.put(config.silences(), "every notifier and the HTTP API read the silences from it: a silence"
        + " older than that is forgotten and its alerts are sent");
    keptForEver.put(config.ruleState(), "the rule stage restores each package's rule state from it at every start"
        + " and rebalance: a package whose state expired would be judged without its history");
    keptForEver.forEach((topic, why) -> {
      if (configs.containsKey(topic)) {
        keptForEver(topic, configs.get(topic), why, needs.bootstrapServers(), problems);
      }
    });
    String downloads = config.downloads();
    Config cfg = configs.get(downloads);
    if (cfg == null) {
      return problems;
    }
    String policy = value(cfg, TopicConfig.CLEANUP_POLICY_CONFIG);
    long retentionMs = Long.parseLong(value(cfg, TopicConfig.RETENTION_MS_CONFIG));
    String why = "the rule stage rebuilds its state from it at every start and rebalance, and the poller"
        + " publishes each day only once";
    if (policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      problems.add("Topic " + downloads + " has cleanup.policy=" + policy + ", needed: delete. Its key is the"
          + " package, so compaction keeps one record per package; " + why + ". Fix: "
          + command(needs.bootstrapServers(), downloads, "cleanup.policy=delete,retention.ms="
              + config.downloadsRetention().toMillis()));
    }
    if (policy.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retentionMs >= 0
        && retentionMs < needs.history().toMillis()) {
      if (needs.embedded()) {
        raiseRetention(admin, downloads, retentionMs, config.downloadsRetention());
      } else {
        problems.add("Topic " + downloads + " keeps records for " + days(retentionMs) + " (retention.ms="
            + retentionMs + "), needed: " + days(needs.history().toMillis()) + " (the rules' look-back plus a "
            + REBUILD_MARGIN.toDays() + "-day margin); " + why + ", so after a restart it would judge on "
            + days(retentionMs) + " of history. Fix: " + command(needs.bootstrapServers(), downloads,
                TopicConfig.RETENTION_MS_CONFIG + "=" + config.downloadsRetention().toMillis())
            + " (" + days(config.downloadsRetention().toMillis()) + ", kafka.topics.downloads-retention)");
      }
    }
    String bytes = value(cfg, TopicConfig.RETENTION_BYTES_CONFIG);
    if (policy.contains(TopicConfig.CLEANUP_POLICY_DELETE) && !FOREVER.equals(bytes)) {
      LOG.warn("Topic {} has retention.bytes={} per partition: it may delete records younger than {} when a"
          + " partition outgrows that; pypiwatch cannot tell from the configuration. Consider: {}",
          downloads, bytes, days(needs.history().toMillis()),
          command(needs.bootstrapServers(), downloads, "retention.bytes=-1"));
    }
    return problems;
  }

  /** Adds a problem when {@code topic}, which must keep its records for ever, deletes them. */
  private static void keptForEver(String topic, Config cfg, String why, String bootstrapServers,
      List<String> problems) {
    String policy = value(cfg, TopicConfig.CLEANUP_POLICY_CONFIG);
    String ms = value(cfg, TopicConfig.RETENTION_MS_CONFIG);
    String bytes = value(cfg, TopicConfig.RETENTION_BYTES_CONFIG);
    boolean deletes = policy.contains(TopicConfig.CLEANUP_POLICY_DELETE);
    if (deletes && !FOREVER.equals(ms)) {
      problems.add("Topic " + topic + " has cleanup.policy=" + policy + " and retention.ms=" + ms + " ("
          + days(Long.parseLong(ms)) + "): its records are deleted after " + days(Long.parseLong(ms))
          + ", needed: kept for ever (cleanup.policy=compact); " + why + ". Fix: "
          + command(bootstrapServers, topic, "cleanup.policy=compact"));
    } else if (deletes && !FOREVER.equals(bytes)) {
      problems.add("Topic " + topic + " has cleanup.policy=" + policy + " and retention.bytes=" + bytes
          + ": its oldest records are deleted when a partition outgrows that, needed: kept for ever"
          + " (cleanup.policy=compact); " + why + ". Fix: " + command(bootstrapServers, topic, "cleanup.policy=compact"));
    } else if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      LOG.warn("Topic {} has cleanup.policy={} with unlimited retention, expected compact: nothing expires, but it"
          + " grows without bound", topic, policy);
    }
  }

  private static void raiseRetention(Admin admin, String topic, long foundMs, Duration wanted)
      throws ExecutionException, InterruptedException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    AlterConfigOp set = new AlterConfigOp(
        new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(wanted.toMillis())), AlterConfigOp.OpType.SET);
    admin.incrementalAlterConfigs(Map.of(r, List.of(set))).all().get();
    LOG.info("Topic {} on the embedded broker kept records for {}; raised to {} (kafka.topics.downloads-retention)",
        topic, days(foundMs), days(wanted.toMillis()));
  }

  private static void report(List<String> problems, boolean fail) {
    if (problems.isEmpty()) {
      return;
    }
    if (fail) {
      throw new TopicRetentionException(problems);
    }
    problems.forEach(p -> LOG.warn("{} (kafka.topics.retention-check: warn, starting anyway)", p));
  }

  /** The {@code kafka-configs} command that sets {@code assignment} on {@code topic}. */
  static String command(String bootstrapServers, String topic, String assignment) {
    return "kafka-configs.sh --bootstrap-server " + bootstrapServers + " --alter --entity-type topics --entity-name "
        + topic + " --add-config " + assignment;
  }

  /** {@code millis} in days, e.g. {@code 7 days}, {@code 0.5 days}. */
  static String days(long millis) {
    double d = millis / 86_400_000.0;
    return (d == Math.rint(d) ? Long.toString((long) d) : String.format(java.util.Locale.ROOT, "%.2f", d))
        + (d == 1 ? " day" : " days");
  }

  private static Map<String, Config> describe(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException {
    List<ConfigResource> rs = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<String, Config> out = new LinkedHashMap<>();
    admin.describeConfigs(rs).all().get().forEach((r, c) -> out.put(r.name(), c));
    return out;
  }

  /** The effective value of {@code key} ({@code -1}, unlimited, for an absent retention: Kafka's meaning). */
  private static String value(Config cfg, String key) {
    ConfigEntry e = cfg.get(key);
    if (e == null || e.value() == null || e.value().isBlank()) {
      return key.startsWith("retention.") ? FOREVER : "";
    }
    return e.value();
  }

  static List<NewTopic> wanted(TopicsConfig c) {
    NewTopic state = new NewTopic(c.pollerState(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    NewTopic alerts = new NewTopic(c.alerts(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(ALERT_HISTORY_MS)));
    NewTopic silences = new NewTopic(c.silences(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    // Partitioned as downloads: the owner of downloads partition p restores rule-state partition p.
    NewTopic ruleState = new NewTopic(c.ruleState(), c.partitions(), c.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(RULE_STATE_SEGMENT_BYTES)));
    return List.of(
        new NewTopic(c.downloads(), c.partitions(), c.replicationFactor())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(c.downloadsRetention().toMillis()))),
        new NewTopic(c.recent(), c.partitions(), c.replicationFactor()),
        state,
        alerts,
        silences,
        ruleState);
  }

  /**
   * The topics that existed before this call: those listed, and those it tried to create that were
   * there already (a topic created a moment ago may be missing from the list: brokers apply a new
   * topic to their metadata a moment after its creation). Their configuration is checked like any
   * other existing topic's.
   */
  private static Set<String> existingAfter(Set<String> listed, List<NewTopic> missing, Set<String> created) {
    Set<String> found = new HashSet<>(listed);
    missing.stream().map(NewTopic::name).filter(n -> !created.contains(n)).forEach(found::add);
    return found;
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
  }
}

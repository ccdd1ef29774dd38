package dev.pypiwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.config.AppConfig;
import dev.pypiwatch.config.ConfigError;
import dev.pypiwatch.config.ConfigException;
import dev.pypiwatch.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code kafka.instance-id}: the static member id of an instance, by default its poller's transactional id. */
class InstanceIdTest {
  private static String instanceId(String yaml) throws ConfigException {
    return Service.withInstanceId(config(yaml)).instanceId();
  }

  @Test
  void defaultsToThePollersTransactionalIdWhichIsAlreadyUniquePerInstance() throws ConfigException {
    assertEquals("pypiwatch-poller", instanceId(""));
    assertEquals("host-b-2", instanceId("poller: {transactional-id: host-b-2}\n"));
    // Two instances on one host differ in their transactional ids, so in their instance ids too.
    assertTrue(!instanceId("poller: {transactional-id: a}\n").equals(instanceId("poller: {transactional-id: b}\n")));
  }

  @Test
  void charactersKafkaRefusesInAnInstanceIdBecomeUnderscores() throws ConfigException {
    assertEquals("poller_on_box_1", instanceId("poller: {transactional-id: \"poller on box/1\"}\n"));
  }

  @Test
  void anExplicitIdWins() throws ConfigException {
    assertEquals("eu-1", instanceId("kafka: {instance-id: eu-1}\npoller: {transactional-id: p}\n"));
  }

  @Test
  void anIdKafkaWouldRefuseIsAConfigErrorNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> instanceId("kafka: {instance-id: \"eu 1\"}\n"));
    ConfigError error = e.errors().get(0);
    assertEquals("kafka.instance-id", error.keyPath());
    assertEquals(1, error.line());
  }

  @Test
  void theNotifiersTransactionalIdIsTheInstancesSoInstancesInOneGroupDoNotFenceEachOther() throws ConfigException {
    assertEquals("pypiwatch-notifier-pypiwatch-poller", Service.notifierTransactionalId(config("")));
    assertEquals("alerts-out-eu-1", Service.notifierTransactionalId(
        config("kafka: {instance-id: eu-1}\nnotify: {group-id: alerts-out}\n")));
    assertTrue(!Service.notifierTransactionalId(config("poller: {transactional-id: a}\n"))
        .equals(Service.notifierTransactionalId(config("poller: {transactional-id: b}\n"))));
  }

  @Test
  void theRuleStagesTransactionalIdIsThePrefixAndTheInstanceSoTheDefaultPrefixDoesNotFence() throws ConfigException {
    assertEquals("pypiwatch-rules-pypiwatch-poller", Service.rulesTransactionalId(config("")));
    assertEquals("rules-eu-1", Service.rulesTransactionalId(
        config("kafka: {instance-id: eu-1}\nrule-engine: {transactional-id-prefix: rules}\n")));
    assertTrue(!Service.rulesTransactionalId(config("poller: {transactional-id: a}\n"))
        .equals(Service.rulesTransactionalId(config("poller: {transactional-id: b}\n"))));
  }

  private static AppConfig config(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml + "watchlist: [requests]\n", Path.of("t.yaml"), Map.of());
  }
}

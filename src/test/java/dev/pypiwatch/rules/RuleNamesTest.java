package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The config's list of rule names (for notification routes) is the engine's. */
class RuleNamesTest {

  @Test
  void configListsExactlyTheRulesTheEngineRuns() throws ReflectiveOperationException {
    // The engine's own list, not a copy of it here, so a rule added there fails this test.
    Field field = RuleEngine.class.getDeclaredField("rules");
    field.setAccessible(true);
    @SuppressWarnings("unchecked")
    List<Rule> rules = (List<Rule>) field.get(new RuleEngine(RulesConfig.DEFAULTS));
    Set<String> names = new TreeSet<>();
    for (Rule rule : rules) {
      for (String scope : rule.scopes()) {
        names.add(scope.substring(0, scope.indexOf(':')));
      }
    }
    // The milestone rule is run by the engine directly, outside the list.
    names.add(MilestoneRule.NAME);
    // A scope of os-shift, but it never fires: operating systems have no new-version-share.
    names.remove("os-new");
    assertEquals(names, new TreeSet<>(RuleNames.ALL));
  }
}

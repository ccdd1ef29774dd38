package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertContext;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DayContextTest {

  @Test
  void rarityIsTheOneSidedNormalTailRoundedToAFriendlyNumber() {
    assertEquals(0.025, Rarity.upperTail(1.96), 1e-4);
    assertEquals(0.00135, Rarity.upperTail(3.0), 1e-5);
    assertEquals(2000, Rarity.oneDayIn(3.29)); // 1 / 0.000501
    assertEquals(2000, Rarity.oneDayIn(-3.29), "a fall is as rare as a rise");
    assertEquals(50, Rarity.oneDayIn(2.0)); // 1 / 0.0228 = 44
    assertEquals(1000, Rarity.oneDayIn(3.0)); // 741: nearer 1,000 than 500 in log scale
    assertEquals(2, Rarity.oneDayIn(0.1));
    assertEquals(Rarity.CAP + 1, Rarity.oneDayIn(5.0));
    assertEquals(-1, Rarity.oneDayIn(Double.NaN));
    assertEquals("about 1 day in 2,000 for this package", TextFormat.rarity(2000, Rarity.CAP));
    assertEquals("rarer than 1 day in 10,000 for this package", TextFormat.rarity(10_001, Rarity.CAP));
  }

  @Test
  void holidaysAreNamedByTheirEntry() {
    assertEquals("christmas", Holidays.DEFAULTS.nameOf(LocalDate.parse("2026-12-25")));
    assertEquals("easter", Holidays.DEFAULTS.nameOf(LocalDate.parse("2026-04-03"))); // Good Friday
    assertEquals("05-01", Holidays.parse(List.of("christmas", "05-01")).nameOf(LocalDate.parse("2026-05-01")));
    assertNull(Holidays.DEFAULTS.nameOf(LocalDate.parse("2026-04-07")));
  }

  @Test
  void aFiringSpikeCarriesTheEcosystemMoveMirrorShareRarityAndDay() {
    List<DownloadRecord> records = new ArrayList<>(overall(SPIKE_X3_ON_FRIDAY));
    for (DownloadRecord r : overall(SPIKE_X3_ON_FRIDAY)) {
      // a quarter more with mirrors: mirror share 20 %
      records.add(new DownloadRecord(PKG, r.endpoint(), Categories.WITH_MIRRORS, r.date(),
          Math.round(r.downloads() * 1.25)));
      // the ecosystem moves +5 % on the spike's day only (too little to count as its own surge)
      int i = (int) (r.date().toEpochDay() - START.toEpochDay());
      long all = FLAT_WEEKLY_20K.applyAsLong(i) * 1000;
      records.add(new DownloadRecord("__all__", r.endpoint(), r.category(), r.date(),
          i == FRIDAY ? Math.round(all * 1.05) : all));
    }
    List<Alert> spike = evaluate(RulesConfig.DEFAULTS, records).stream()
        .filter(a -> a.rule().equals("spike")).toList();
    assertEquals(List.of(AlertState.FIRING, AlertState.RESOLVED), spike.stream().map(Alert::state).toList());
    AlertContext c = spike.get(0).context();
    assertNotNull(c);
    assertEquals(0.05, c.ecosystemChange(), 1e-4);
    assertEquals(0.2, c.mirrorShare(), 1e-4);
    assertEquals(Rarity.CAP, c.oneDayIn()); // SPIKE_X3_SCORE is about 11 noise units
    assertEquals("rarer than 1 day in 10,000 for this package", c.unusual());
    assertEquals("Friday", c.weekday());
    assertEquals("easter", c.holiday()); // 2026-04-03 is Good Friday
    assertNull(c.release(), "the notifier's to add");
    assertNull(spike.get(1).context(), "a resolution carries none");
    assertEquals(List.of("Unusual: rarer than 1 day in 10,000 for this package",
        "Day: Friday, in the holiday period 'easter' (the ecosystem downloads less)",
        "Ecosystem: +5.0% against its usual Friday", "Mirrors: 20.0% of the day's downloads"),
        TextFormat.context(spike.get(0)));
  }

  @Test
  void unknownPartsStayNullAndRulesWithoutNoiseUnitsHaveNoRarity() {
    List<Alert> firing = firing(evaluate(RulesConfig.DEFAULTS, overall(WEEK_AT_HALF)));
    Alert drop = firing.stream().filter(a -> a.rule().equals("drop")).findFirst().orElseThrow();
    AlertContext c = drop.context();
    assertNull(c.ecosystemChange(), "no reference recorded");
    assertNull(c.mirrorShare(), "with_mirrors unknown");
    assertEquals(Rarity.oneDayIn(drop.score()) > Rarity.CAP ? Rarity.CAP : Rarity.oneDayIn(drop.score()),
        c.oneDayIn());
    assertNull(c.holiday());
    assertEquals(TextFormat.weekday(drop.date()), c.weekday());
    firing.stream().filter(a -> a.rule().equals("milestone")).forEach(m -> {
      assertNull(m.context().oneDayIn(), "a milestone's score is not in noise units");
      assertNull(m.context().unusual());
    });
  }
}

package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HolidaysTest {
  @ParameterizedTest(name = "Easter {0} is {1}")
  @CsvSource({"2024, 2024-03-31", "2025, 2025-04-20", "2026, 2026-04-05", "2027, 2027-03-28",
      "2038, 2038-04-25"})
  void easterSundayMatchesTheCalendar(int year, LocalDate sunday) {
    assertEquals(sunday, Holidays.easterSunday(year));
  }

  @Test
  void defaultsCoverChristmasToNewYearThanksgivingAndEasterWeekend() {
    Holidays h = Holidays.DEFAULTS;
    assertFalse(h.contains(LocalDate.parse("2025-12-23")));
    assertTrue(h.contains(LocalDate.parse("2025-12-24")));
    assertTrue(h.contains(LocalDate.parse("2026-01-01")));
    assertTrue(h.contains(LocalDate.parse("2026-01-02")));
    assertFalse(h.contains(LocalDate.parse("2026-01-03")));
    assertFalse(h.contains(LocalDate.parse("2025-11-26")));
    assertTrue(h.contains(LocalDate.parse("2025-11-27"))); // fourth Thursday of November 2025
    assertTrue(h.contains(LocalDate.parse("2025-11-28")));
    assertFalse(h.contains(LocalDate.parse("2025-11-29")));
    assertTrue(h.contains(LocalDate.parse("2026-11-26")));
    assertFalse(h.contains(LocalDate.parse("2026-04-02")));
    assertTrue(h.contains(LocalDate.parse("2026-04-03"))); // Good Friday
    assertTrue(h.contains(LocalDate.parse("2026-04-06"))); // Easter Monday
    assertFalse(h.contains(LocalDate.parse("2026-04-07")));
  }

  @Test
  void yearlyDaysRangesAndDates() {
    Holidays h = Holidays.parse(List.of("05-01", "12-30..01-01", "2026-05-14..2026-05-15"));
    assertTrue(h.contains(LocalDate.parse("2031-05-01")));
    assertFalse(h.contains(LocalDate.parse("2031-05-02")));
    assertTrue(h.contains(LocalDate.parse("2030-12-31")));
    assertTrue(h.contains(LocalDate.parse("2031-01-01")));
    assertFalse(h.contains(LocalDate.parse("2031-01-02")));
    assertTrue(h.contains(LocalDate.parse("2026-05-15")));
    assertFalse(h.contains(LocalDate.parse("2027-05-15")));
    assertFalse(Holidays.NONE.contains(LocalDate.parse("2025-12-25")));
  }

  @Test
  void rejectsWhatItCannotRead() {
    for (String bad : List.of("xmas", "13-01", "2026-05-15..2026-05-14", "a..b..c", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Holidays.parse(List.of(bad)), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}

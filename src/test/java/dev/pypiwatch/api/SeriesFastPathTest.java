package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pypiwatch.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path reads the usual bodies to exactly what Jackson reads, and leaves every other body
 * (however harmless) to Jackson, so problems keep their messages.
 */
class SeriesFastPathTest {
  private static final String ROW = "{\"category\":\"3.12\",\"date\":\"2025-01-02\",\"downloads\":7}";

  static Stream<String> realSeriesBodies() {
    return Stream.of("_system.json", "_excerpt.json", "_2018-11-01.json", "_empty.json")
        .flatMap(suffix -> Fixtures.names(suffix).stream());
  }

  @ParameterizedTest
  @MethodSource("realSeriesBodies")
  void readsEveryRealBodyAsJacksonDoes(String name) {
    byte[] body = Fixtures.text(name).getBytes(StandardCharsets.UTF_8);
    SeriesResponse fast = SeriesFastPath.series(body);
    assertNotNull(fast, name + " is of the usual shape");
    assertEquals(ResponseParser.parseSeriesWithJackson(body), fast);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"data\":[" + ROW + "]}",
      "{\"data\":[]}",
      " \t\r\n{ \"package\" : null , \"data\" : [ " + ROW + " , " + ROW + " ] , \"type\" : \"t\" } \n",
      "{\"type\":\"x\",\"package\":\"p\",\"data\":[{\"downloads\":0,\"date\":\"2024-02-29\",\"category\":null}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1},"
          + "{\"category\":\"b\",\"date\":\"2025-01-01\",\"downloads\":999999999999999999},"
          + "{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"~ \u007f\",\"date\":\"0000-01-01\",\"downloads\":1}]}",
  })
  void readsUsualBodiesAsJacksonDoes(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    SeriesResponse fast = SeriesFastPath.series(body);
    assertNotNull(fast, json);
    assertEquals(ResponseParser.parseSeriesWithJackson(body), fast);
  }

  @Test
  void sharesOneStringPerCategoryRunAndOneDatePerDay() {
    SeriesResponse r = SeriesFastPath.series(("{\"data\":[" + ROW + "," + ROW + "]}")
        .getBytes(StandardCharsets.UTF_8));
    assertNotNull(r);
    List<SeriesRow> rows = r.rows();
    assertEquals(new SeriesRow("3.12", LocalDate.of(2025, 1, 2), 7), rows.get(0));
    Assertions.assertSame(rows.get(0).category(), rows.get(1).category());
    Assertions.assertSame(rows.get(0).date(), rows.get(1).date());
  }

  /** Unusual but valid, or invalid: Jackson's business. */
  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "[]", "{}", "{\"data\":[]", "{\"data\":[]}x", "{\"data\":[]}{}", "\uFEFF{\"data\":[]}",
      "{\"data\":[],\"data\":[]}", "{\"data\":[],\"extra\":1}", "{\"data\":[],\"package\":\"p\",\"package\":\"q\"}",
      "{\"data\":[],\"package\":1}", "{\"data\":[],\"package\":nul}", "{\"data\":[],\"package\":nullx}",
      "{\"data\":[],\"package\":\"\\u0070\"}", "{\"data\":[],\"package\":\"é\"}", "{\"data\":[],}",
      "{\"data\":[" + ROW + ",]}", "{\"data\":[" + ROW + "" + ROW + "]}", "{\"data\":[,]}", "{\"data\":{}}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\"}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1,\"x\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"category\":\"b\",\"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-02-30\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-1-01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01T\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025/01/01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":null,\"downloads\":1}]}",
      "{\"data\":[{\"category\":1,\"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\\tb\",\"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":-1}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":01}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1.0}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1e3}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1x}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":\"1\"}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1234567890123456789}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":}]}",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1\u000b}]}",
      "{\"data\":[{\"category\":\"a\" \"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"cat\\u0065gory\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1}]}",
      "{\"data\":[{\"categoryx\":\"a\",\"date\":\"2025-01-01\",\"downloads\":1}]}",
  })
  void leavesEveryOtherBodyToJackson(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    assertNull(SeriesFastPath.series(body), json);
  }

  @Test
  void aBodyLeftToJacksonKeepsItsMessage() {
    InvalidResponseException e = assertThrows(InvalidResponseException.class, () -> ResponseParser.parseSeries(
        "{\"data\":[" + ROW + ",{\"category\":\"a\",\"date\":\"2025-02-30\",\"downloads\":1}]}"));
    assertEquals("data[1].date: expected an ISO date (YYYY-MM-DD), got \"2025-02-30\"", e.getMessage());
  }
}

package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CategoriesTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "system, Windows, windows",
        "system, Linux, linux",
        "system, Darwin, darwin",
        "system, other, other",
        "system, null, unknown",
        "system, NULL, unknown",
        "system, FreeBSD, FreeBSD",
        "python_minor, 3.12, 3.12",
        "python_minor, null, unknown",
        "python_major, NULL, unknown",
        "python_major, 3, 3",
        "overall, with_mirrors, with_mirrors",
        "overall, without_mirrors, without_mirrors"
      })
  void normalizesEachEndpointsCategories(String endpoint, String raw, String expected) {
    assertEquals(expected, Categories.normalize(Endpoint.fromPath(endpoint).orElseThrow(), raw));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      delimiter = '|',
      value = {
        "overall      | with_mirrors    | true",
        "overall      | without_mirrors | true",
        "overall      | NULL            | true",
        "overall      | Linux           | false",
        "python_major | 3               | true",
        "python_major | 10              | true",
        "python_major | null            | true",
        "python_major | 3.12            | false",
        "python_minor | 3.12            | true",
        "python_minor | 2.7             | true",
        "python_minor | 3.14<x>         | false",
        "python_minor | 3               | false",
        "system       | Windows         | true",
        "system       | Darwin          | true",
        "system       | other           | true",
        "system       | linux           | true",
        "system       | FreeBSD         | false",
        "recent       | x               | false"
      })
  void problemSaysWhichCategoriesAnEndpointCanHold(String endpoint, String raw, boolean ok) {
    String problem = Categories.problem(Endpoint.fromPath(endpoint).orElseThrow(), raw);
    assertEquals(ok, problem == null, problem);
  }
}

package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageNameTest {

  @ParameterizedTest
  @CsvSource({
    "pip, pip",
    "Django, django",
    "Django_REST.framework, django-rest-framework",
    "zope.interface, zope-interface",
    "a-_.b, a-b",
    "A, a",
    "python-dotenv, python-dotenv",
    "__all__, __all__"
  })
  void normalizesPerPep503(String raw, String expected) {
    assertEquals(expected, PackageName.normalize(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-pip", "pip-", "pi p", "pip/..", "näive", "_x", "x.", "../etc"})
  void rejectsNamesOutsidePep508(String raw) {
    assertFalse(PackageName.isValid(raw));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PackageName.normalize(raw));
    assertTrue(e.getMessage().contains("package name"), e.getMessage());
  }

  @Test
  void nullIsInvalid() {
    assertFalse(PackageName.isValid(null));
  }
}

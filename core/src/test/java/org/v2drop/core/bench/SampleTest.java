package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A benchmark row's columns as the dataset reader carries them, and the getters' errors. */
class SampleTest {
  @Test
  void columnsFromJsonKeepEachValuesType() {
    Map<String, Object> c =
        Sample.columnsFromJson(
            "s1",
            "{\"q\":\"Is it?\",\"n\":3,\"f\":0.25,\"b\":true,\"z\":null,\"xs\":[\"a\",null,2],"
                + "\"o\":{\"k\":1}}");
    assertEquals("Is it?", c.get("q"));
    assertEquals(3L, c.get("n"));
    assertEquals(0.25, c.get("f"));
    assertEquals(true, c.get("b"));
    assertTrue(c.containsKey("z"));
    assertNull(c.get("z"));
    assertEquals(Arrays.asList("a", null, 2L), c.get("xs"));
    assertEquals("{\"k\":1}", c.get("o"), "objects are kept as their JSON text");
    assertEquals(List.of("q", "n", "f", "b", "z", "xs", "o"), List.copyOf(c.keySet()), "in order");
    assertEquals(Map.of(), Sample.columnsFromJson("s2", null));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> Sample.columnsFromJson("s3", "{x"));
    assertTrue(bad.getMessage().startsWith("sample s3: unreadable columns"), bad.getMessage());
  }

  @Test
  void gettersConvertOrSayWhichColumnOfWhichSampleIsWrong() {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put("i", 7L);
    m.put("d", 4.0);
    m.put("s", " 12 ");
    m.put("x", "twelve");
    m.put("half", 2.5);
    m.put("list", Arrays.asList("a", null));
    m.put("none", null);
    Sample s = Sample.textOnly("id9", m, "file.parquet");
    assertEquals(7, s.integer("i"));
    assertEquals(4, s.integer("d"));
    assertEquals(12, s.integer("s"));
    assertEquals(List.of("a", "None"), s.strings("list"), "null items read as Python's str(None)");
    assertEquals("7", s.string("i"));
    assertNull(s.optString("none"));
    assertEquals("twelve", s.optString("x"));
    BenchmarkDataException word = assertThrows(BenchmarkDataException.class, () -> s.integer("x"));
    assertEquals(
        "file.parquet: sample id9: column 'x' must be an integer, found String twelve",
        word.getMessage());
    assertThrows(BenchmarkDataException.class, () -> s.integer("half"));
    BenchmarkDataException missing =
        assertThrows(BenchmarkDataException.class, () -> s.integer("none"));
    assertTrue(
        missing.getMessage().endsWith("must be an integer, found null"), missing.getMessage());
    BenchmarkDataException notList =
        assertThrows(BenchmarkDataException.class, () -> s.strings("i"));
    assertTrue(notList.getMessage().contains("column 'i' must be a list of strings, found Long 7"));
    BenchmarkDataException absent = assertThrows(BenchmarkDataException.class, () -> s.string("q"));
    assertEquals("file.parquet: sample id9: column 'q' is missing or null", absent.getMessage());
  }
}

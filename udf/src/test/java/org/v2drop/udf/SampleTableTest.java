package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;
import org.v2drop.core.bench.Sample;

class SampleTableTest {
  private static GenericRowWithSchema row(String json, byte[]... images) {
    Object seq =
        scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList((Object[]) images)).toSeq();
    return new GenericRowWithSchema(new Object[] {"pope", "q1", json, seq}, SampleTable.SCHEMA);
  }

  @Test
  void aRowBecomesASampleWithItsColumnsAndImages() {
    Sample s =
        SampleTable.toSample(
            row(
                "{\"question\":\"Is it?\",\"n\":3,\"xs\":[\"a\",null],\"f\":0.5}",
                new byte[] {1},
                new byte[] {2}));
    assertEquals("q1", s.id());
    assertEquals("pope", s.source());
    assertEquals("Is it?", s.string("question"));
    assertEquals(3L, s.integer("n"));
    assertEquals(List.of("a", "None"), s.strings("xs"));
    assertEquals(0.5, s.columns().get("f"));
    assertEquals(2, s.images().size());
    assertArrayEquals(new byte[] {2}, s.images().get(1));
  }

  @Test
  void aMissingImageOrUnreadableColumnsAreErrorsNamingTheSample() {
    IllegalArgumentException image =
        assertThrows(
            IllegalArgumentException.class,
            () -> SampleTable.toSample(row("{}", new byte[] {1}, null)));
    assertTrue(image.getMessage().contains("sample q1: missing image"), image.getMessage());
    IllegalArgumentException json =
        assertThrows(IllegalArgumentException.class, () -> SampleTable.toSample(row("{not json")));
    assertTrue(json.getMessage().contains("sample q1: unreadable columns"), json.getMessage());
  }
}

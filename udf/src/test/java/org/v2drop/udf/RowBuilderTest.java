package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowBuilderTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("a", DataTypes.StringType, false)
          .add("n", DataTypes.LongType, true)
          .add("xs", DataTypes.createArrayType(DataTypes.IntegerType, false), true);

  @Test
  void placesValuesByNameWhateverTheOrderTheyAreSetIn() {
    Row r = new RowBuilder(SCHEMA).set("xs", List.of(1, 2)).set("a", "x").build();
    assertEquals("x", r.get(0));
    assertNull(r.get(1));
    assertEquals(List.of(1, 2), PredictionsTableTest.seq(r.get(2)));
  }

  @Test
  void primitiveIntArraysPassAsTheyAre() {
    int[] xs = {3, 1};
    Row r = new RowBuilder(SCHEMA).set("a", "x").set("xs", xs).build();
    assertEquals(List.of(3, 1), PredictionsTableTest.seq(r.get(2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RowBuilder(SCHEMA).set("xs", new long[] {1}),
        "only int arrays for int columns");
    assertThrows(
        IllegalArgumentException.class,
        () -> new RowBuilder(SCHEMA).set("xs", new int[][] {{1}}),
        "an int[][] is not an array<int>");
  }

  @Test
  void refusesUnknownColumnsWrongTypesAndMissingRequiredValues() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> new RowBuilder(SCHEMA).set("b", "x"));
    assertTrue(unknown.getMessage().contains("no column 'b' in [a, n, xs]"), unknown.getMessage());
    IllegalArgumentException type =
        assertThrows(IllegalArgumentException.class, () -> new RowBuilder(SCHEMA).set("n", 3));
    assertTrue(
        type.getMessage().contains("column 'n' is bigint, given Integer 3"), type.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new RowBuilder(SCHEMA).set("xs", List.of(1L)),
        "elements are checked too");
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class, () -> new RowBuilder(SCHEMA).set("n", 3L).build());
    assertTrue(missing.getMessage().contains("column 'a' may not be null"), missing.getMessage());
  }
}

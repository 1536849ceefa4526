package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.v2drop.core.checkpoint.RopeConfig;
import org.v2drop.core.model.Rope;

/**
 * The cached table's rows are exactly {@link Rope#cosSin} of the same positions, before and after
 * it grows.
 */
class RopeTablesTest {
  private final float[] inv = Rope.inverseFrequencies(RopeConfig.plain(10000), 16);

  @Test
  void rowsEqualDirectComputationInAnyOrder() {
    long[] positions = {5, 0, 1023, 5, 17, 640};
    assertEqualRows(new RopeTables(inv, null, DataType.FLOAT32), positions);
  }

  @Test
  void growsForLongerSequencesAndStaysExact() {
    RopeTables tables = new RopeTables(inv, null, DataType.FLOAT32);
    assertEqualRows(tables, new long[] {3, 4096, 1024, 70000});
    assertEqualRows(tables, new long[] {0, 1, 2}); // the grown table still serves short sequences
  }

  @Test
  void rejectsNegativePositions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RopeTables(inv, null, DataType.FLOAT32).rows(new long[][] {{2, -1}}));
  }

  @Test
  void mropeRowsEqualDirectComputationAndOneRowWhereTheRowsAgree() {
    int[] rowOf = Rope.mropeRows(new int[] {2, 3, 3}, inv.length);
    long[][] positions = {{0, 4, 4, 9, 2000}, {0, 5, 6, 9, 2000}, {0, 6, 3, 9, 2000}};
    RopeTables tables = new RopeTables(inv, rowOf, DataType.FLOAT32);
    float[][] expected = Rope.cosSin(inv, positions, rowOf);
    float[][] actual = tables.rows(positions);
    assertArrayEquals(expected[0], actual[0], "cos");
    assertArrayEquals(expected[1], actual[1], "signed sin");
    // tokens 0, 3 and 4 have equal rows: their tables are the 1-D ones
    float[][] oneD = Rope.cosSin(inv, new long[] {0, 9, 2000});
    for (int[] pair : new int[][] {{0, 0}, {3, 1}, {4, 2}}) {
      for (int j = 0; j < 16; j++) {
        assertEquals(oneD[0][pair[1] * 16 + j], actual[0][pair[0] * 16 + j]);
        assertEquals(oneD[1][pair[1] * 16 + j], actual[1][pair[0] * 16 + j]);
      }
    }
    // token 1's rows differ: its table is not the 1-D one of any of its ids
    float[][] four = Rope.cosSin(inv, new long[] {4});
    assertNotEquals(four[0][7], actual[0][16 + 7], "the width chunk takes row 2's id");
  }

  private void assertEqualRows(RopeTables tables, long[] positions) {
    float[][] expected = Rope.cosSin(inv, positions);
    float[][] actual = tables.rows(new long[][] {positions});
    assertArrayEquals(expected[0], actual[0], "cos");
    assertArrayEquals(expected[1], actual[1], "signed sin");
  }
}

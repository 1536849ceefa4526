package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    assertEqualRows(new RopeTables(inv, DataType.FLOAT32), positions);
  }

  @Test
  void growsForLongerSequencesAndStaysExact() {
    RopeTables tables = new RopeTables(inv, DataType.FLOAT32);
    assertEqualRows(tables, new long[] {3, 4096, 1024, 70000});
    assertEqualRows(tables, new long[] {0, 1, 2}); // the grown table still serves short sequences
  }

  @Test
  void rejectsNegativePositions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RopeTables(inv, DataType.FLOAT32).rows(new long[] {2, -1}));
  }

  private void assertEqualRows(RopeTables tables, long[] positions) {
    float[][] expected = Rope.cosSin(inv, positions);
    float[][] actual = tables.rows(positions);
    assertArrayEquals(expected[0], actual[0], "cos");
    assertArrayEquals(expected[1], actual[1], "signed sin");
  }
}

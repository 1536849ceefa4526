package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ragged batch's padding, gathering and key mask, on small arrays whose values name their rows.
 */
class RaggedBatchIT {
  @Test
  void stacksRightPaddedWithZeros() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(new float[] {1, 1, 2, 2, 3, 3}, new Shape(3, 2));
      NDArray b = m.create(new float[] {4, 4}, new Shape(1, 2));
      NDArray h = RaggedBatch.stack(m, List.of(a, b), 2);
      assertEquals(new Shape(2, 3, 2), h.getShape());
      assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 0, 0}, h.toFloatArray());
    }
  }

  @Test
  void gathersEachSequencesOwnRowsPaddedWithItsRowZero() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // (2, 4, 1): sequence 0 rows 10..13, sequence 1 rows 20..23
      NDArray h = m.create(new float[] {10, 11, 12, 13, 20, 21, 22, 23}, new Shape(2, 4, 1));
      NDArray g = RaggedBatch.gather(m, h, new long[][] {{1, 3}, {0, 2, 3}});
      assertEquals(new Shape(2, 3, 1), g.getShape());
      assertArrayEquals(new float[] {11, 13, 10, 20, 22, 23}, g.toFloatArray());
      NDArray last = RaggedBatch.lastRows(m, h, new int[] {2, 4});
      assertArrayEquals(new float[] {11, 23}, last.toFloatArray());
    }
  }

  @Test
  void theKeyMaskHidesOnlyPaddingColumnsAndLeavesRoomForDecoding() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertNull(
          RaggedBatch.paddingMask(m, new int[] {3, 3}, 3, 2, DataType.FLOAT32),
          "no padding, no mask");
      NDArray mask = RaggedBatch.paddingMask(m, new int[] {3, 1}, 3, 2, DataType.FLOAT32);
      assertEquals(new Shape(2, 1, 1, 5), mask.getShape());
      float inf = Float.NEGATIVE_INFINITY;
      assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, inf, inf, 0, 0}, mask.toFloatArray());
    }
  }
}

package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void keepsLargestAndReturnsThemInPositionOrder() {
    float[] scores = {0.1f, 0.9f, 0.5f, 0.7f};
    long[] positions = {10, 11, 12, 13};
    assertArrayEquals(new int[] {1, 3}, TopK.largest(scores, positions, 2));
    assertArrayEquals(new int[] {1, 2, 3}, TopK.largest(scores, positions, 3));
  }

  @Test
  void tiesBreakByLowerPosition() {
    float[] scores = {0.5f, 0.5f, 0.5f, 0.2f, 0.5f};
    long[] positions = {3, 4, 8, 9, 20};
    assertArrayEquals(new int[] {0, 1}, TopK.largest(scores, positions, 2));
    assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(scores, positions, 3));
  }

  @Test
  void unsignedKeysCompareAsUnsigned() {
    long[] keys = {-1L, 5L, Long.MIN_VALUE, 5L};
    long[] positions = {0, 1, 2, 3};
    assertArrayEquals(new int[] {1, 3}, TopK.smallestUnsigned(keys, positions, 2));
    assertArrayEquals(new int[] {1, 2, 3}, TopK.smallestUnsigned(keys, positions, 3));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> TopK.largest(new float[2], new long[] {0, 1}, 3));
    assertThrows(IllegalArgumentException.class, () -> TopK.largest(new float[2], new long[] {1, 1}, 1));
    assertEquals(0, TopK.largest(new float[0], new long[0], 0).length);
  }
}

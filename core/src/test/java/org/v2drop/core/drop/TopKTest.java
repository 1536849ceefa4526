package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
  /**
   * The primitive selection equals sorting boxed indices by (-score, position) and by (unsigned
   * key, position), the definition, on random inputs with many ties, +-0, infinities and NaN, for
   * every k.
   */
  @Test
  void equalsTheComparatorDefinition() {
    Random random = new Random(5);
    float[] special = {
      0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f
    };
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(40);
      float[] scores = new float[n];
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        scores[i] =
            random.nextInt(3) == 0
                ? special[random.nextInt(special.length)]
                : random.nextInt(5) * 0.25f;
        keys[i] = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(4) - 2L;
      }
      long[] positions = IntStream.range(0, n).mapToLong(i -> 3L * i + 1).toArray();
      for (int k = 0; k <= n; k++) {
        assertArrayEquals(
            reference(n, k, Comparator.<Integer>comparingDouble(i -> -scores[i])),
            TopK.largest(scores, positions, k),
            Arrays.toString(scores) + " k=" + k);
        assertArrayEquals(
            reference(
                n, k, Comparator.<Integer, Long>comparing(i -> keys[i], Long::compareUnsigned)),
            TopK.smallestUnsigned(keys, positions, k),
            Arrays.toString(keys) + " k=" + k);
      }
    }
  }

  private static int[] reference(int n, int k, Comparator<Integer> order) {
    Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, order.thenComparingInt(i -> i)); // positions ascend with the index
    return Arrays.stream(idx, 0, k).mapToInt(Integer::intValue).sorted().toArray();
  }

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
    assertThrows(
        IllegalArgumentException.class, () -> TopK.largest(new float[2], new long[] {0, 1}, 3));
    assertThrows(
        IllegalArgumentException.class, () -> TopK.largest(new float[2], new long[] {1, 1}, 1));
    assertEquals(0, TopK.largest(new float[0], new long[0], 0).length);
  }
}

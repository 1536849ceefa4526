package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The one-pass top-k equals a full sort (descending, ties by lower id), with ties, zeros, NaN and k
 * beyond n.
 */
class TopLogitsTest {
  private static int[] bySorting(float[] logits, int k) {
    return IntStream.range(0, logits.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  @Test
  void equalsAFullSort() {
    Random random = new Random(11);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + random.nextInt(60);
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(8)) {
          case 0 -> logits[i] = 0f;
          case 1 -> logits[i] = -0f;
          case 2 -> logits[i] = Float.NaN;
          case 3 -> logits[i] = Float.NEGATIVE_INFINITY;
          default -> logits[i] = random.nextInt(5) - 2; // many ties
        }
      }
      int k = random.nextInt(8);
      TopLogits top = TopLogits.of(logits, k);
      int[] expected = bySorting(logits, k);
      assertArrayEquals(expected, top.ids(), "trial " + trial + ", k " + k);
      float[] values = new float[expected.length];
      for (int i = 0; i < expected.length; i++) {
        values[i] = logits[expected[i]];
      }
      assertArrayEquals(values, top.values(), "trial " + trial + " values");
    }
  }

  @Test
  void vocabularySizedRow() {
    Random random = new Random(3);
    float[] logits = new float[32064];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) random.nextGaussian();
    }
    logits[31000] = logits[7]; // a tie inside the top
    logits[7] = 9f;
    logits[31000] = 9f;
    assertArrayEquals(bySorting(logits, 5), TopLogits.of(logits, 5).ids());
  }
}

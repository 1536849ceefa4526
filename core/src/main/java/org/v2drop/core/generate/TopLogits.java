package org.v2drop.core.generate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The k largest logits, descending (ties: lower id first).
 *
 * @param ids (k)
 * @param values (k)
 */
public record TopLogits(int[] ids, float[] values) {
  /** Top {@code k} of a logits row. */
  public static TopLogits of(float[] logits, int k) {
    int[] ids = IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .limit(k).mapToInt(Integer::intValue).toArray();
    float[] values = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      values[i] = logits[ids[i]];
    }
    return new TopLogits(ids, values);
  }

  @Override
  public String toString() {
    return "TopLogits" + Arrays.toString(ids) + Arrays.toString(values);
  }
}

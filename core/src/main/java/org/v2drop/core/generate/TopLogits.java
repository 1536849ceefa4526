package org.v2drop.core.generate;

import java.util.Arrays;
import org.v2drop.core.drop.TopK;

/**
 * The k largest logits, descending (ties: lower id first).
 *
 * @param ids (k)
 * @param values (k)
 */
public record TopLogits(int[] ids, float[] values) {
  /**
   * Top {@code k} of a logits row in one pass, keeping the best {@code k} ids in order (a
   * vocabulary-sized sort of boxed ids took 10-40 ms of every prefill). Order: {@link
   * TopK#descending} of the logits, then by id.
   */
  public static TopLogits of(float[] logits, int k) {
    int size = Math.max(0, Math.min(k, logits.length));
    int[] ids = new int[size];
    int filled = 0;
    for (int i = 0; i < logits.length && size > 0; i++) {
      if (filled == size && !ranksBefore(logits, i, ids[size - 1])) {
        continue;
      }
      int at = filled < size ? filled++ : size - 1; // the last kept id drops out when full
      while (at > 0 && ranksBefore(logits, i, ids[at - 1])) {
        ids[at] = ids[at - 1];
        at--;
      }
      ids[at] = i;
    }
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = logits[ids[i]];
    }
    return new TopLogits(ids, values);
  }

  /**
   * Whether id {@code i} ranks before id {@code j}: larger logit in {@link TopK}'s order (NaN
   * last), then lower id.
   */
  static boolean ranksBefore(float[] logits, int i, int j) {
    long a = TopK.descending(logits[i]);
    long b = TopK.descending(logits[j]);
    return a < b || (a == b && i < j);
  }

  @Override
  public String toString() {
    return "TopLogits" + Arrays.toString(ids) + Arrays.toString(values);
  }
}

package org.v2drop.core.drop;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Top-k selection with stable ties (lower position first); results ascending by position. */
public final class TopK {
  private TopK() {}

  /** Indices of the {@code k} largest scores; ties broken by lower position. */
  public static int[] largest(float[] scores, long[] positions, int k) {
    Comparator<Integer> order = Comparator.<Integer>comparingDouble(i -> -scores[i])
        .thenComparingLong(i -> positions[i]);
    return select(scores.length, positions, k, order);
  }

  /** Indices of the {@code k} smallest keys compared as unsigned 64-bit integers; ties by lower position. */
  public static int[] smallestUnsigned(long[] keys, long[] positions, int k) {
    Comparator<Integer> order = Comparator.<Integer, Long>comparing(i -> keys[i], Long::compareUnsigned)
        .thenComparingLong(i -> positions[i]);
    return select(keys.length, positions, k, order);
  }

  private static int[] select(int n, long[] positions, int k, Comparator<Integer> order) {
    if (positions.length != n) {
      throw new IllegalArgumentException("scores (" + n + ") and positions (" + positions.length + ") differ");
    }
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " outside [0, " + n + "]");
    }
    for (int i = 0; i < n; i++) {
      if (i > 0 && positions[i] <= positions[i - 1]) {
        throw new IllegalArgumentException("positions must be strictly ascending");
      }
    }
    Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, order);
    int[] kept = new int[k];
    for (int i = 0; i < k; i++) {
      kept[i] = idx[i];
    }
    Arrays.sort(kept); // positions ascend with the index
    return kept;
  }
}

package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The key columns outside a decode query's sliding window. A query sees the keys whose index among
 * its sequence's cached tokens in that layer is greater than its own minus the window (HF's {@code
 * kv_idx > q_idx - sliding_window}; after a drop the index counts the kept tokens, as the prefill's
 * mask over the gathered rows does). A sequence's columns in a layer's cache are its {@code r}
 * prefill tokens at [0, r), the batch's padding up to the layer's prefill columns {@code p}, then
 * one column per decode step from {@code p}: so the columns outside the window are [0, a) and [p,
 * e) for some a <= r and e >= p.
 */
final class WindowCuts {
  /** No column is outside any window. */
  static final long[] NONE = new long[0];

  private WindowCuts() {}

  /**
   * {a, p, e} per layer and sequence (layer-major) for the query of decode step {@code step}
   * (written at column p + step), or {@link #NONE} when every cached key is inside every window.
   *
   * @param window the decoder's sliding window, or 0 (none)
   * @param real per layer, each sequence's prefill tokens in that layer's cache
   * @param prefillColumns per layer, its cache's prefill columns (the longest sequence's)
   */
  static long[] at(int window, int[][] real, long[] prefillColumns, int step) {
    if (window <= 0) {
      return NONE;
    }
    int b = real[0].length;
    long[] cuts = new long[3 * real.length * b];
    boolean any = false;
    for (int l = 0; l < real.length; l++) {
      for (int s = 0; s < b; s++) {
        long r = real[l][s];
        long first = r + step + 1L - window; // index of the first key inside the window
        long a = Math.max(0, Math.min(first, r));
        long e = prefillColumns[l] + Math.max(0, first - r);
        int i = 3 * (l * b + s);
        cuts[i] = a;
        cuts[i + 1] = prefillColumns[l];
        cuts[i + 2] = e;
        any |= a > 0 || e > prefillColumns[l];
      }
    }
    return any ? cuts : NONE;
  }

  /**
   * Layer {@code l}'s additive mask (b, 1, 1, columns) of the columns {@code cuts} puts outside the
   * window (-inf), for the readable decode step.
   */
  static NDArray mask(NDManager m, long[] cuts, int l, int b, long columns, DataType type) {
    float[] mask = new float[(int) (b * columns)];
    for (int s = 0; s < b; s++) {
      int i = 3 * (l * b + s);
      int row = (int) (s * columns);
      Arrays.fill(mask, row, row + (int) cuts[i], Float.NEGATIVE_INFINITY);
      Arrays.fill(mask, row + (int) cuts[i + 1], row + (int) cuts[i + 2], Float.NEGATIVE_INFINITY);
    }
    return m.create(mask, new Shape(b, 1, 1, columns)).toType(type, false);
  }
}

package org.v2drop.core.generate;

/**
 * Theoretical prefill FLOPs (spec "Efficiency accounting"): per layer {@code 4nd^2 + 2n^2d + 3ndm}.
 */
public final class Flops {
  private Flops() {}

  /**
   * @param hidden d
   * @param intermediate m (SwiGLU counts 3 matrices)
   * @param tokensPerLayer n per decoder layer (all tokens alive in that layer's prefill)
   */
  public static double prefill(int hidden, int intermediate, int[] tokensPerLayer) {
    double d = hidden;
    double m = intermediate;
    double total = 0;
    for (int t : tokensPerLayer) {
      double n = t;
      total += 4 * n * d * d + 2 * n * n * d + 3 * n * d * m;
    }
    return total;
  }
}

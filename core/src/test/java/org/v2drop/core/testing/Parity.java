package org.v2drop.core.testing;

import java.util.Arrays;

/**
 * Reference comparisons whose failures name the tensor, show the first values and the largest
 * difference.
 */
public final class Parity {
  private Parity() {}

  /** Every element within {@code atol + rtol * |expected|} (DJL allClose convention). */
  public static void assertAllClose(
      String name, float[] expected, float[] actual, double atol, double rtol) {
    if (expected.length != actual.length) {
      throw new AssertionError(
          name + ": length " + actual.length + ", expected " + expected.length);
    }
    double maxDiff = 0;
    int worst = -1;
    boolean ok = true;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (d > maxDiff || Double.isNaN(d)) {
        maxDiff = d;
        worst = i;
      }
      if (!(d <= atol + rtol * Math.abs(expected[i]))) {
        ok = false;
      }
    }
    if (!ok) {
      throw new AssertionError(
          describe(name, expected, actual, maxDiff, worst)
              + " (atol "
              + atol
              + ", rtol "
              + rtol
              + "); regenerate fixtures with: "
              + Fixtures.REGENERATE);
    }
  }

  private static String describe(
      String name, float[] expected, float[] actual, double maxDiff, int worst) {
    return name
        + ": max abs diff "
        + maxDiff
        + " at index "
        + worst
        + "; first values expected "
        + Arrays.toString(Arrays.copyOf(expected, Math.min(6, expected.length)))
        + " actual "
        + Arrays.toString(Arrays.copyOf(actual, Math.min(6, actual.length)));
  }
}

package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlopsTest {
  @Test
  void sumsThePerLayerFormula() {
    // n=10, d=4, m=8: 4*10*16 + 2*100*4 + 3*10*4*8 = 640 + 800 + 960 = 2400
    assertEquals(2400.0, Flops.prefill(4, 8, new int[] {10}), 0);
    assertEquals(
        2400.0 + 4 * 5 * 16 + 2 * 25 * 4 + 3 * 5 * 4 * 8,
        Flops.prefill(4, 8, new int[] {10, 5}),
        0);
  }

  @Test
  void llava7bPrefillOf650TokensIsAbout4Point3Teraflops() {
    int[] n = new int[32];
    java.util.Arrays.fill(n, 650);
    double f = Flops.prefill(4096, 11008, n);
    assertEquals(4.32e12, f, 0.01e12);
  }

  @Test
  void topLogitsOrderDescendingWithLowerIdOnTies() {
    TopLogits t = TopLogits.of(new float[] {0.5f, 2f, 2f, -1f, 1f}, 3);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 4}, t.ids());
  }
}

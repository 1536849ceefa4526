package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.v2drop.core.testing.Parity;

/**
 * The fused attention equals the textbook computation, softmax(q kT * scale + causal mask + key
 * mask) v with the grouped kv heads repeated, in each of its three forms: a prefill (the kernel's
 * causal flag), a single decode query (no mask or a key mask) and queries after a cache prefix or
 * next to padding (an explicit mask). A mask that did not reach the scores would let queries see
 * future keys or padding; the tolerance is rounding of other summation orders.
 */
class AttentionIT {
  @Test
  void prefillWithGroupedKvHeads() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(13);
      check(m, 2, 4, 2, 0, 41, 16, null);
    }
  }

  /**
   * A sliding window: query i sees only keys i - window + 1 .. i, in a prefill, after a cache
   * prefix, next to padding; a window longer than the sequence changes nothing.
   */
  @Test
  void slidingWindow() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(37);
      check(m, 2, 4, 2, 0, 41, 16, null, 7);
      check(m, 2, 4, 4, 0, 23, 8, secondSequencePads(m, 23, 20, 23), 5);
      check(m, 2, 4, 2, 6, 37, 16, secondSequencePads(m, 43, 1, 3), 10);
      check(m, 1, 2, 1, 0, 9, 8, null, 9); // the window holds everything: the kernel's causal flag
    }
  }

  /**
   * The drop scores' attention row under a sliding window: 0 before the window, the softmax over
   * the window's keys inside it.
   */
  @Test
  void rowProbabilitiesInsideTheWindow() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(41);
      NDArray q = m.randomNormal(new Shape(4, 1, 8));
      NDArray k = m.randomNormal(new Shape(2, 12, 8));
      float[] windowed = Attention.rowProbabilities(q, k, 10, 4);
      float[] onTheWindow =
          Attention.rowProbabilities(q, k.get(":, 7:11, :"), 3, 0); // keys 7..10 alone
      assertEquals(11, windowed.length);
      for (int j = 0; j < 7; j++) {
        assertEquals(0f, windowed[j], "key " + j + " is outside the window");
      }
      Parity.assertAllClose(
          "inside the window",
          onTheWindow,
          java.util.Arrays.copyOfRange(windowed, 7, 11),
          1e-7,
          1e-6);
    }
  }

  @Test
  void prefillOfABatchWithPaddingKeys() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(17);
      check(m, 2, 4, 4, 0, 23, 8, secondSequencePads(m, 23, 20, 23));
    }
  }

  @Test
  void queriesAfterACachePrefix() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(19);
      check(m, 2, 4, 2, 6, 37, 16, secondSequencePads(m, 43, 1, 3));
      check(m, 1, 2, 1, 5, 9, 8, null);
    }
  }

  @Test
  void oneDecodeQuery() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(23);
      check(m, 2, 4, 2, 30, 1, 16, null);
      check(m, 2, 4, 2, 30, 1, 16, secondSequencePads(m, 31, 12, 30));
    }
  }

  /**
   * Each kv head repeated for its query heads in HF's order (head h reads kv head h / groups), 3-d
   * and 4-d.
   */
  @Test
  void repeatKvMatchesRepeatInterleave() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(29);
      NDArray kv4 = m.randomNormal(new Shape(2, 3, 5, 4));
      assertArrayEquals(kv4.repeat(1, 2).toFloatArray(), Attention.repeatKv(kv4, 2).toFloatArray());
      NDArray kv3 = m.randomNormal(new Shape(3, 5, 4));
      assertArrayEquals(kv3.repeat(0, 4).toFloatArray(), Attention.repeatKv(kv3, 4).toFloatArray());
      assertArrayEquals(new long[] {3 * 4, 5, 4}, Attention.repeatKv(kv3, 4).getShape().getShape());
    }
  }

  /**
   * (n, total): query i (at position past + i) sees keys 0..past + i; built on the host, not by the
   * code under test.
   */
  private static NDArray textbookCausalMask(NDManager m, long n, long total, int window) {
    long past = total - n;
    float[] mask = new float[(int) (n * total)];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < total; j++) {
        boolean outside = j > past + i || (window > 0 && past + i - j >= window);
        mask[(int) (i * total + j)] = outside ? Float.NEGATIVE_INFINITY : 0f;
      }
    }
    return m.create(mask, new Shape(n, total));
  }

  private static void check(
      NDManager m, int batch, int heads, int kvHeads, long past, long n, int hd, NDArray keyMask) {
    check(m, batch, heads, kvHeads, past, n, hd, keyMask, 0);
  }

  private static void check(
      NDManager m,
      int batch,
      int heads,
      int kvHeads,
      long past,
      long n,
      int hd,
      NDArray keyMask,
      int window) {
    long total = past + n;
    NDArray q = m.randomNormal(new Shape(batch, heads, n, hd));
    NDArray k = m.randomNormal(new Shape(batch, kvHeads, total, hd));
    NDArray v = m.randomNormal(new Shape(batch, kvHeads, total, hd));
    NDArray scores =
        q.matMul(k.repeat(1, heads / kvHeads).transpose(0, 1, 3, 2))
            .muli((float) (1.0 / Math.sqrt(hd)))
            .addi(textbookCausalMask(m, n, total, window));
    NDArray probs = (keyMask == null ? scores : scores.addi(keyMask)).softmax(-1);
    float[] expected =
        probs
            .matMul(v.repeat(1, heads / kvHeads))
            .transpose(0, 2, 1, 3)
            .reshape(batch, n, (long) heads * hd)
            .toFloatArray();
    NDArray actual = Attention.causal(q, k, v, keyMask, window);
    assertArrayEquals(new long[] {batch, n, (long) heads * hd}, actual.getShape().getShape());
    Parity.assertAllClose(
        "past "
            + past
            + ", "
            + n
            + " queries, key mask "
            + (keyMask != null)
            + ", window "
            + window,
        expected,
        actual.toFloatArray(),
        1e-6,
        1e-5);
  }

  /**
   * The fused kernel's result is an inference tensor (DJL runs TorchScript in inference mode):
   * writing it in place fails, which is why no caller does; a new tensor made from it is an
   * ordinary one that may be written.
   */
  @Test
  void fusedResultIsReadOnlyButItsProductsAreNot() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray q = m.randomNormal(new Shape(1, 2, 5, 8));
      NDArray raw = TorchAttention.causal(q, q, q, Math.pow(8, -0.5));
      assertThrows(EngineException.class, () -> raw.addi(raw));
      NDArray out =
          Attention.causal(q, q, q, null, 0); // (1, 5, 16), a copy of the transposed result
      out.addi(out);
      assertArrayEquals(new long[] {1, 5, 16}, out.getShape().getShape());
    }
  }

  /**
   * (2, 1, 1, total) key mask of a batch of two: the second sequence hides key columns [from, to).
   */
  private static NDArray secondSequencePads(NDManager m, long total, int from, int to) {
    float[] pad = new float[(int) (2 * total)];
    java.util.Arrays.fill(pad, (int) total + from, (int) total + to, Float.NEGATIVE_INFINITY);
    return m.create(pad, new Shape(2, 1, 1, total));
  }

  /** The scores are the products scaled, for a power-of-two scale and any other. */
  @Test
  void scaledScoresScaleTheProducts() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(11);
      NDArray q = m.randomNormal(new Shape(2, 3, 17, 64));
      NDArray kT = m.randomNormal(new Shape(2, 3, 64, 29));
      float[] onScores = q.matMul(kT).muli(0.125f).toFloatArray();
      assertArrayEquals(onScores, Attention.scaledScores(q, kT, 0.125f).toFloatArray());
      float odd = (float) (1.0 / Math.sqrt(128));
      assertArrayEquals(
          q.matMul(kT).muli(odd).toFloatArray(),
          Attention.scaledScores(q, kT, odd).toFloatArray(),
          "other scales stay on the scores");
    }
  }
}

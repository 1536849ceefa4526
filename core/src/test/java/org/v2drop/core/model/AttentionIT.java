package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.v2drop.core.testing.Parity;

/**
 * Blocked causal attention equals the one-block computation, with a cache prefix, grouped kv heads and a batch whose
 * second sequence hides its padding key columns.
 */
class AttentionIT {
  @Test
  void queryBlocksGiveTheSameAttention() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      long past = 5;
      long n = 37;
      NDArray q = m.randomNormal(new Shape(2, 4, n, 8));
      NDArray k = m.randomNormal(new Shape(2, 2, past + n, 8));
      NDArray v = m.randomNormal(new Shape(2, 2, past + n, 8));
      NDArray mask = secondSequencePads(m, past + n, 2, 4);
      NDArray causal = Attention.causalMask(m, n, past + n);
      NDArray whole = Attention.causal(q, k, v, causal, mask, 1024);
      for (int block : new int[] {1, 8, 36, 37}) {
        NDArray blocked = Attention.causal(q, k, v, causal, mask, block);
        assertArrayEquals(whole.getShape().getShape(), blocked.getShape().getShape());
        Parity.assertAllClose("block " + block, whole.toFloatArray(), blocked.toFloatArray(), 1e-5, 1e-5);
      }
    }
  }

  /**
   * Blocked attention, which masks only each block's diagonal square, equals the textbook computation:
   * softmax(q kT * scale + the whole causal mask + key mask) v, with the grouped kv heads repeated (to rounding: the
   * products run in other shapes; a mask that did not reach the scores would let queries see future keys).
   */
  @Test
  void equalsTheTextbookComputation() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(13);
      long past = 6;
      long n = 41;
      long total = past + n;
      NDArray q = m.randomNormal(new Shape(2, 4, n, 16));
      NDArray k = m.randomNormal(new Shape(2, 2, total, 16));
      NDArray v = m.randomNormal(new Shape(2, 2, total, 16));
      NDArray keyMask = secondSequencePads(m, total, 1, 3);
      NDArray causal = Attention.causalMask(m, n, total);
      NDArray kFull = k.repeat(1, 2);
      NDArray vFull = v.repeat(1, 2);
      NDArray probs = q.matMul(kFull.transpose(0, 1, 3, 2)).muli((float) (1.0 / Math.sqrt(16))).addi(causal)
          .addi(keyMask).softmax(-1);
      float[] expected = probs.matMul(vFull).transpose(0, 2, 1, 3).reshape(2, n, 4 * 16).toFloatArray();
      for (int block : new int[] {1, 7, 40, 41, 256}) {
        Parity.assertAllClose("block " + block, expected,
            Attention.causal(q, k, v, causal, keyMask, block).toFloatArray(), 1e-6, 1e-5);
      }
    }
  }

  /** (2, 1, 1, total) key mask of a batch of two: the second sequence hides key columns [from, to). */
  private static NDArray secondSequencePads(NDManager m, long total, int from, int to) {
    float[] pad = new float[(int) (2 * total)];
    java.util.Arrays.fill(pad, (int) total + from, (int) total + to, Float.NEGATIVE_INFINITY);
    return m.create(pad, new Shape(2, 1, 1, total));
  }

  /** A power-of-two scale applied to q gives the very floats of scaling the scores (CLIP's head dim 64: 1/8). */
  @Test
  void powerOfTwoScaleOnQueriesIsExact() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(11);
      NDArray q = m.randomNormal(new Shape(2, 3, 17, 64));
      NDArray kT = m.randomNormal(new Shape(2, 3, 64, 29));
      float[] onScores = q.matMul(kT).muli(0.125f).toFloatArray();
      assertArrayEquals(onScores, Attention.scaledScores(q, kT, 0.125f).toFloatArray());
      float odd = (float) (1.0 / Math.sqrt(128));
      assertArrayEquals(q.matMul(kT).muli(odd).toFloatArray(), Attention.scaledScores(q, kT, odd).toFloatArray(),
          "other scales stay on the scores");
    }
  }
}

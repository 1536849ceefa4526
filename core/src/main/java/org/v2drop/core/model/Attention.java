package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Causal grouped-query attention and RoPE application: pure tensor functions. */
public final class Attention {
  private Attention() {}

  /** {@code x * cos + rotate_half(x) * sin}; x: (heads, n, headDim), cos/sin: (n, headDim). */
  public static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(2) / 2;
    NDArray x1 = x.get(new NDIndex(":, :, 0:" + half));
    NDArray x2 = x.get(new NDIndex(":, :, " + half + ":"));
    NDArray rotated = x2.neg().concat(x1, 2);
    return x.mul(cos).addi(rotated.muli(sin));
  }

  /** Repeats each kv head {@code groups} times: (kvHeads, t, headDim) → (kvHeads * groups, t, headDim). */
  public static NDArray repeatKv(NDArray kv, int groups) {
    if (groups == 1) {
      return kv;
    }
    Shape s = kv.getShape();
    return kv.expandDims(1).broadcast(s.get(0), groups, s.get(1), s.get(2)).reshape(s.get(0) * groups, s.get(1),
        s.get(2));
  }

  /**
   * Attention of {@code n} new queries over all cached keys; query i sees keys 0..past+i.
   *
   * @param q (heads, n, headDim)
   * @param k (kvHeads, past + n, headDim)
   * @param v (kvHeads, past + n, headDim)
   * @return (n, heads * headDim)
   */
  public static NDArray causal(NDArray q, NDArray k, NDArray v) {
    long heads = q.getShape().get(0);
    long n = q.getShape().get(1);
    long hd = q.getShape().get(2);
    long total = k.getShape().get(1);
    int groups = (int) (heads / k.getShape().get(0));
    NDArray scores = q.matMul(repeatKv(k, groups).transpose(0, 2, 1)).muli((float) (1.0 / Math.sqrt(hd)));
    if (n > 1) {
      scores = scores.addi(causalMask(q.getManager(), n, total));
    }
    NDArray out = scores.softmax(-1).matMul(repeatKv(v, groups)); // (heads, n, headDim)
    return out.transpose(1, 0, 2).reshape(n, heads * hd);
  }

  /** (n, total) additive mask: 0 where key j <= past + i, -inf elsewhere. */
  static NDArray causalMask(NDManager manager, long n, long total) {
    long past = total - n;
    float[] m = new float[(int) (n * total)];
    for (int i = 0; i < n; i++) {
      for (long j = past + i + 1; j < total; j++) {
        m[(int) (i * total + j)] = Float.NEGATIVE_INFINITY;
      }
    }
    return manager.create(m, new Shape(n, total));
  }

  /**
   * Head-averaged softmax probabilities of one query row over keys 0..queryIndex (causal).
   *
   * @param q (heads, 1, headDim)
   * @param k (kvHeads, >= queryIndex + 1, headDim)
   * @return (queryIndex + 1)
   */
  public static float[] rowProbabilities(NDArray q, NDArray k, long queryIndex) {
    long heads = q.getShape().get(0);
    long hd = q.getShape().get(2);
    int groups = (int) (heads / k.getShape().get(0));
    NDArray keys = repeatKv(k.get(new NDIndex(":, 0:" + (queryIndex + 1) + ", :")), groups);
    NDArray probs = q.matMul(keys.transpose(0, 2, 1)).muli((float) (1.0 / Math.sqrt(hd))).softmax(-1);
    return probs.mean(new int[] {0}).toFloatArray(); // (1, queryIndex + 1) → flat
  }
}

package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Causal grouped-query attention and RoPE application: pure tensor functions. */
public final class Attention {
  private Attention() {}

  /**
   * HF's {@code x * cos + rotate_half(x) * sin} over the last axis, as {@code x * cos +
   * swap_halves(x) * signedSin} with {@code signedSin = cat(-sin, sin)} from {@link Rope#cosSin}
   * ({@code -a * s == a * -s} exactly, one op fewer). x: (..., n, headDim), cos/signedSin
   * broadcastable to x, e.g. (n, headDim) for (heads, n, headDim) or (batch, 1, n, headDim) for
   * (batch, heads, n, headDim).
   */
  public static NDArray rotate(NDArray x, NDArray cos, NDArray signedSin) {
    int last = x.getShape().dimension() - 1;
    NDList halves = x.split(new long[] {x.getShape().get(last) / 2}, last);
    NDArray swapped = halves.get(1).concat(halves.get(0), last);
    return x.mul(cos).addi(swapped.muli(signedSin));
  }

  /**
   * Attention of {@code n} new queries per sequence over all cached keys with torch's fused kernel
   * ({@link TorchAttention}, as HF's default "sdpa" attention): query i sees keys 0..past+i (the
   * causal rule), and with a sliding window only keys past + i - window + 1 .. past + i (HF's
   * {@code kv_idx > q_idx - sliding_window}, columns counted as they are cached: after a drop, over
   * the kept tokens), except the key columns {@code keyMask} hides (padding between ragged
   * sequences of a batch). One query (a decode step) sees every key its {@code keyMask} leaves:
   * there the caller, who knows where each sequence's columns are, puts the window in that mask. A
   * prefill with nothing cached, no padding columns and no key beyond the window uses the kernel's
   * own causal flag; anything else gets an explicit mask. Grouped kv heads are repeated first, as
   * HF's repeat_kv; the scale is HF's {@code head_dim ** -0.5}.
   *
   * @param q (batch, heads, n, headDim)
   * @param k (batch, kvHeads, past + n, headDim)
   * @param v (batch, kvHeads, past + n, headDim)
   * @param keyMask (batch, 1, 1, past + n) additive (0 or -inf), or null when every key column is
   *     real
   * @param window the decoder's sliding window, or 0 (full causal attention)
   * @return (batch, n, heads * headDim)
   */
  public static NDArray causal(NDArray q, NDArray k, NDArray v, NDArray keyMask, int window) {
    long batch = q.getShape().get(0);
    long heads = q.getShape().get(1);
    long n = q.getShape().get(2);
    long hd = q.getShape().get(3);
    long total = k.getShape().get(2);
    int groups = (int) (heads / k.getShape().get(1));
    NDArray keys = repeatKv(k, groups);
    NDArray values = repeatKv(v, groups);
    double scale = Math.pow(hd, -0.5);
    NDArray out;
    if (n == 1) {
      out =
          keyMask == null
              ? TorchAttention.full(q, keys, values, scale)
              : TorchAttention.masked(q, keys, values, keyMask, scale);
    } else if (n == total && keyMask == null && (window == 0 || total <= window)) {
      out = TorchAttention.causal(q, keys, values, scale);
    } else {
      NDArray mask = causalMask(q.getManager(), n, total, q.getDataType(), window);
      out =
          TorchAttention.masked(q, keys, values, keyMask == null ? mask : mask.add(keyMask), scale);
    }
    return out.transpose(0, 2, 1, 3).reshape(batch, n, heads * hd);
  }

  /**
   * Repeats each kv head {@code groups} times, HF's repeat_kv: (..., kvHeads, t, headDim) → (...,
   * kvHeads * groups, t, headDim), head h of the result being kv head h / groups; the array itself
   * when groups == 1.
   */
  static NDArray repeatKv(NDArray kv, int groups) {
    if (groups == 1) {
      return kv;
    }
    long[] s = kv.getShape().getShape();
    int axis = s.length - 3; // the heads axis
    long[] expanded = new long[s.length + 1];
    long[] merged = s.clone();
    for (int i = 0, j = 0; i < s.length; i++) {
      expanded[j++] = s[i];
      if (i == axis) {
        expanded[j++] = groups;
      }
    }
    merged[axis] = s[axis] * groups;
    return kv.expandDims(axis + 1).broadcast(new Shape(expanded)).reshape(new Shape(merged));
  }

  /**
   * {@code (q @ kT) * scale}, as HF's eager attention. (Full attention runs in the fused kernel;
   * this serves the one query row of {@link #rowProbabilities}, whose scores are no larger than q,
   * so nothing is gained by scaling q.)
   */
  static NDArray scaledScores(NDArray q, NDArray kT, float scale) {
    return q.matMul(kT).muli(Scalars.of(scale));
  }

  /**
   * (n, total) additive mask of n queries that are the last n of total tokens: 0 where key j <=
   * total - n + i (and, with a sliding window, j > total - n + i - window), -inf elsewhere, of the
   * queries' type; built by the engine, not copied in.
   *
   * @param window the sliding window, or 0 (none)
   */
  public static NDArray causalMask(
      NDManager manager, long n, long total, DataType type, int window) {
    long past = total - n;
    try (NDArray j = manager.arange(0f, (float) total, 1f).reshape(1, total);
        NDArray i = manager.arange((float) past, (float) (past + n), 1f).reshape(n, 1);
        NDArray future = j.gt(i)) {
      NDArray mask = manager.zeros(new Shape(n, total), type);
      mask.set(future, Float.NEGATIVE_INFINITY);
      if (window > 0 && total > window) {
        try (NDArray earliest = i.sub(window);
            NDArray old = j.lte(earliest)) {
          mask.set(old, Float.NEGATIVE_INFINITY);
        }
      }
      return mask;
    }
  }

  /**
   * Head-averaged softmax probabilities of one query row over keys 0..queryIndex (causal), in
   * float32 whatever the type of q and k (the drop scores of the reference implementations). With a
   * sliding window the keys before queryIndex + 1 - window are masked, as in the layer's own
   * attention: their probability is 0.
   *
   * @param q (heads, 1, headDim)
   * @param k (kvHeads, >= queryIndex + 1, headDim)
   * @param window the sliding window, or 0 (none)
   * @return (queryIndex + 1)
   */
  public static float[] rowProbabilities(NDArray q, NDArray k, long queryIndex, int window) {
    long heads = q.getShape().get(0);
    long hd = q.getShape().get(2);
    int groups = (int) (heads / k.getShape().get(0));
    long first = window > 0 ? Math.max(0, queryIndex + 1 - window) : 0; // the earliest key seen
    NDArray keys =
        repeatKv(
            Ops.as(
                k.get(new NDIndex(":, " + first + ":" + (queryIndex + 1) + ", :")),
                DataType.FLOAT32),
            groups);
    NDArray probs =
        scaledScores(
                Ops.as(q, DataType.FLOAT32), keys.transpose(0, 2, 1), (float) (1.0 / Math.sqrt(hd)))
            .softmax(-1);
    float[] seen = probs.mean(new int[] {0}).toFloatArray(); // (1, keys) → flat
    float[] row = new float[(int) (queryIndex + 1)];
    System.arraycopy(seen, 0, row, (int) first, seen.length);
    return row;
  }
}

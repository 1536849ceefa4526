package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Causal grouped-query attention and RoPE application: pure tensor functions. */
public final class Attention {
  private Attention() {}

  /**
   * HF's {@code x * cos + rotate_half(x) * sin} over the last axis, as {@code x * cos + swap_halves(x) * signedSin}
   * with {@code signedSin = cat(-sin, sin)} from {@link Rope#cosSin} ({@code -a * s == a * -s} exactly, one op
   * fewer). x: (..., n, headDim), cos/signedSin broadcastable to x, e.g. (n, headDim) for (heads, n, headDim) or
   * (batch, 1, n, headDim) for (batch, heads, n, headDim).
   */
  public static NDArray rotate(NDArray x, NDArray cos, NDArray signedSin) {
    int last = x.getShape().dimension() - 1;
    NDList halves = x.split(new long[] {x.getShape().get(last) / 2}, last);
    NDArray swapped = halves.get(1).concat(halves.get(0), last);
    return x.mul(cos).addi(swapped.muli(signedSin));
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
   * Query rows per block in {@link #causal}: bounds the score matrix at (batch, heads, 256, keys). At 4,673 tokens
   * (8 images) 256 rows took 205 ms per layer against 265 ms with 512 (the scores of a block are scaled, masked and
   * normalised in passes over memory, which smaller blocks keep in cache); at 641-2,369 tokens the two were within
   * noise.
   */
  public static final int QUERY_BLOCK = 256;

  /**
   * Attention of {@code n} new queries per sequence over all cached keys; query i sees keys 0..past+i (the causal
   * mask), except the key columns {@code keyMask} hides (padding between ragged sequences of a batch). Long
   * prefills run in blocks of {@link #QUERY_BLOCK} query rows, each over the keys it can see, so the score matrix is
   * never built at once and the masked upper triangle is mostly skipped; within a block only the square of columns
   * the block's own tokens cover is masked, so {@code causalMask} must be the causal mask, not any additive mask.
   *
   * @param q (batch, heads, n, headDim)
   * @param k (batch, kvHeads, past + n, headDim)
   * @param v (batch, kvHeads, past + n, headDim)
   * @param causalMask (n, past + n) additive mask from {@link #causalMask}, built once by the caller for every layer
   *     that attends over the same lengths; null only when n == 1 (one query sees every key)
   * @param keyMask (batch, 1, 1, past + n) additive (0 or -inf), or null when every key column is real
   * @return (batch, n, heads * headDim)
   */
  public static NDArray causal(NDArray q, NDArray k, NDArray v, NDArray causalMask, NDArray keyMask) {
    return causal(q, k, v, causalMask, keyMask, QUERY_BLOCK);
  }

  /** {@link #causal(NDArray, NDArray, NDArray, NDArray, NDArray)} with an explicit block size (tests compare). */
  public static NDArray causal(NDArray q, NDArray k, NDArray v, NDArray causalMask, NDArray keyMask, int block) {
    long n = q.getShape().get(2);
    long total = k.getShape().get(2);
    if (n > 1 && (causalMask == null || causalMask.getShape().get(0) != n
        || causalMask.getShape().get(1) != total)) {
      throw new IllegalArgumentException("attention of " + n + " queries over " + total + " keys needs a ("
          + n + ", " + total + ") causal mask, found " + (causalMask == null ? "none" : causalMask.getShape()));
    }
    long past = total - n;
    if (n <= block) {
      return causalBlock(q, k, v, n > 1 ? diagonal(causalMask, 0, n, past) : null, keyMask);
    }
    NDList parts = new NDList();
    try {
      for (long start = 0; start < n; start += block) {
        long end = Math.min(n, start + block);
        NDIndex seen = new NDIndex().addAllDim(2).addSliceDim(0, past + end);
        try (NDScope scope = new NDScope()) { // one block's scores are freed before the next is built
          scope.suppressNotUsedWarning();
          NDArray mask = keyMask == null ? null : keyMask.get(new NDIndex().addAllDim(3).addSliceDim(0, past + end));
          NDArray out = causalBlock(q.get(new NDIndex().addAllDim(2).addSliceDim(start, end)), k.get(seen),
              v.get(seen), diagonal(causalMask, start, end, past), mask);
          NDScope.unregister(out);
          parts.add(out);
        }
      }
      return NDArrays.concat(parts, 1);
    } finally {
      parts.close();
    }
  }

  /**
   * The square of the causal mask that a block of query rows [start, end) needs: its columns [past + start, past +
   * end). Every earlier column is visible to every row of the block (query i sees keys 0..past + i), so only the
   * last (end - start) score columns are masked, not all past + end of them.
   */
  private static NDArray diagonal(NDArray causalMask, long start, long end, long past) {
    return causalMask.get(new NDIndex().addSliceDim(start, end).addSliceDim(past + start, past + end));
  }

  /**
   * One block: the queries are the last rows of the sequences the keys cover. Grouped-query attention without
   * copying keys/values per head: the {@code groups} query heads that share a kv head are stacked as one
   * (groups * n)-row query (head h uses kv head h / groups, as HF's repeat_kv).
   */
  private static NDArray causalBlock(NDArray q, NDArray k, NDArray v, NDArray diagonal, NDArray keyMask) {
    long batch = q.getShape().get(0);
    long heads = q.getShape().get(1);
    long n = q.getShape().get(2);
    long hd = q.getShape().get(3);
    long kvHeads = k.getShape().get(1);
    long total = k.getShape().get(2);
    long groups = heads / kvHeads;
    NDArray scores = scaledScores(q.reshape(batch, kvHeads, groups * n, hd), k.transpose(0, 1, 3, 2),
        (float) (1.0 / Math.sqrt(hd))); // (b, kvHeads, groups * n, total)
    if (diagonal != null) { // per query row: view the scores as (b, kvHeads, groups, n, total)
      scores = scores.reshape(batch, kvHeads, groups, n, total);
      scores.get(new NDIndex().addAllDim(4).addSliceDim(total - n, total)).addi(diagonal); // in place, a view
      if (keyMask != null) {
        scores.addi(keyMask.expandDims(1));
      }
    } else if (keyMask != null) {
      scores.addi(keyMask);
    }
    NDArray out = scores.softmax(-1).reshape(batch, kvHeads, groups * n, total).matMul(v); // (b, kv, g * n, hd)
    return out.reshape(batch, heads, n, hd).transpose(0, 2, 1, 3).reshape(batch, n, heads * hd);
  }

  /**
   * {@code (q @ kT) * scale}. A power-of-two scale (head dims 4, 16, 64, 256: CLIP's 64) multiplies exactly, so it
   * is applied to q, far smaller than the (queries, keys) scores, with bit-identical results; any other scale is
   * applied to the scores, as HF does.
   */
  static NDArray scaledScores(NDArray q, NDArray kT, float scale) {
    if (scale == Math.scalb(1f, Math.getExponent(scale))) {
      return q.mul(Scalars.of(scale)).matMul(kT);
    }
    return q.matMul(kT).muli(Scalars.of(scale));
  }

  /**
   * (n, total) additive mask of n queries that are the last n of total tokens: 0 where key j <= total - n + i, -inf
   * elsewhere; built by the engine, not copied in.
   */
  public static NDArray causalMask(NDManager manager, long n, long total) {
    long past = total - n;
    try (NDArray j = manager.arange(0f, (float) total, 1f).reshape(1, total);
        NDArray i = manager.arange((float) past, (float) (past + n), 1f).reshape(n, 1);
        NDArray future = j.gt(i)) {
      NDArray mask = manager.zeros(new Shape(n, total));
      mask.set(future, Float.NEGATIVE_INFINITY);
      return mask;
    }
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
    NDArray probs = scaledScores(q, keys.transpose(0, 2, 1), (float) (1.0 / Math.sqrt(hd))).softmax(-1);
    return probs.mean(new int[] {0}).toFloatArray(); // (1, queryIndex + 1) → flat
  }
}

package org.v2drop.core.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.model.Attention;
import org.v2drop.core.model.Ops;
import org.v2drop.core.model.TorchAttention;

/**
 * The Qwen2-VL / Qwen2.5-VL vision tower as HF's {@code model.visual} computes it: patch embedding,
 * the 2-D rotary embedding of each patch's (row, column), blocks whose attention stays within one
 * temporal slice of one image or video (Qwen2.5-VL: within 4×4-merged-unit windows except in its
 * full-attention blocks), and the patch merger to the decoder's width.
 *
 * <p>All images and videos of a call run together, as HF runs them: {@code pixels} holds their
 * patch rows one after another in the processor's merge-block order, {@code grids} their (t, h, w).
 */
public final class Qwen2VlVisionTower {
  private static final float NORM_EPS = 1e-6f;

  private final Qwen2VlConfig config;
  private final Qwen2VlVisionWeights w;
  private final float[] inverseFrequencies;

  public Qwen2VlVisionTower(Qwen2VlConfig config, Qwen2VlVisionWeights weights) {
    this.config = config;
    this.w = weights;
    this.inverseFrequencies = inverseFrequencies(config.vision());
  }

  /**
   * The axial rotary embedding's frequencies, {@code 1 / theta^(2i / (headDim / 2))} for {@code i <
   * headDim / 4}: each of the row and column angles takes a quarter of the head.
   */
  static float[] inverseFrequencies(Qwen2VlConfig.Vision c) {
    int spatial = c.headDim() / 2;
    float[] inv = new float[spatial / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / spatial));
    }
    return inv;
  }

  /**
   * Merged features of every image and video in {@code grids}.
   *
   * @param pixels (rows, channels * temporal_patch * patch * patch), rows = sum of t·h·w
   * @return (rows / merge², the decoder's hidden size), in the same order
   */
  public NDArray features(NDArray pixels, List<int[]> grids) {
    Qwen2VlConfig.Vision c = config.vision();
    int unit = c.mergeSize() * c.mergeSize();
    long rows = pixels.getShape().get(0);
    long expected = 0;
    for (int[] g : grids) {
      expected += (long) g[0] * g[1] * g[2];
    }
    if (rows != expected) {
      throw new IllegalArgumentException(
          "vision input has " + rows + " patch rows but its grids need " + expected);
    }
    NDManager m = pixels.getManager();
    DataType type = pixels.getDataType();
    NDArray x = pixels.matMul(w.patchT()); // (rows, hidden)
    float[][] cosSin = rotaryTables(grids, c.mergeSize(), inverseFrequencies);
    int hd = c.headDim();
    int[] order = null; // Qwen2.5-VL: the merge units in window order
    int[] frames = frameBoundaries(grids);
    int[] windows = frames;
    if (config.isQwen25()) {
      Windows win = windows(grids, c.mergeSize(), c.windowSize() / c.mergeSize() / c.patchSize());
      order = win.order();
      windows = win.boundaries();
      x = permuteUnits(x, order, unit);
      cosSin =
          new float[][] {
            permuteRows(cosSin[0], order, unit, hd), permuteRows(cosSin[1], order, unit, hd)
          };
    }
    NDArray cos = m.create(cosSin[0], new Shape(rows, 1, hd));
    NDArray sin = m.create(cosSin[1], new Shape(rows, 1, hd));
    for (int i = 0; i < w.blocks().size(); i++) {
      int[] segments = !config.isQwen25() || c.fullAttentionBlocks().contains(i) ? frames : windows;
      x = nextBlock(x, w.blocks().get(i), c, cos, sin, segments);
    }
    NDArray merged = merge(x, c);
    if (order != null) {
      int[] inverse = new int[order.length];
      for (int i = 0; i < order.length; i++) {
        inverse[order[i]] = i;
      }
      merged = merged.get(m.create(inverse));
    }
    return Ops.as(merged, type);
  }

  private NDArray nextBlock(
      NDArray x,
      Qwen2VlVisionWeights.Block b,
      Qwen2VlConfig.Vision c,
      NDArray cos,
      NDArray sin,
      int[] segments) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = block(x, b, c, cos, sin, segments);
      NDScope.unregister(out);
    }
    NDScope.register(out);
    x.close();
    return out;
  }

  private static NDArray block(
      NDArray x,
      Qwen2VlVisionWeights.Block b,
      Qwen2VlConfig.Vision c,
      NDArray cos,
      NDArray sin,
      int[] segments) {
    long n = x.getShape().get(0);
    int heads = c.heads();
    int hd = c.headDim();
    NDArray normed = norm(x, b.norm1Weight(), b.norm1Bias());
    NDArray qkv = Ops.linear(normed, b.qkvT(), b.qkvBias()).reshape(n, 3, heads, hd);
    NDArray q = rotate(qkv.get(new NDIndex(":, 0")), cos, sin); // (n, heads, hd)
    NDArray k = rotate(qkv.get(new NDIndex(":, 1")), cos, sin);
    NDArray v = qkv.get(new NDIndex(":, 2"));
    q = q.transpose(1, 0, 2).expandDims(0); // (1, heads, n, hd)
    k = k.transpose(1, 0, 2).expandDims(0);
    v = v.transpose(1, 0, 2).expandDims(0);
    double scale = Math.pow(hd, -0.5);
    NDList parts = new NDList();
    for (int s = 0; s + 1 < segments.length; s++) {
      NDIndex span = new NDIndex(":, :, " + segments[s] + ":" + segments[s + 1]);
      parts.add(TorchAttention.full(q.get(span), k.get(span), v.get(span), scale));
    }
    NDArray attn = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
    attn = attn.squeeze(0).transpose(1, 0, 2).reshape(n, (long) heads * hd);
    NDArray h = x.add(Ops.linear(attn, b.projT(), b.projBias()));
    NDArray m = norm(h, b.norm2Weight(), b.norm2Bias());
    NDArray mlp =
        b.gateT() == null
            ? Ops.activation(Ops.linear(m, b.upT(), b.upBias()), c.hiddenAct())
            : Ops.activation(Ops.linear(m, b.gateT(), b.gateBias()), c.hiddenAct())
                .mul(Ops.linear(m, b.upT(), b.upBias())); // SiLU's result is an inference tensor
    return h.addi(Ops.linear(mlp, b.downT(), b.downBias()));
  }

  /** HF's vision rotary: q and k rotated in float32 and rounded back to their type. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    return Ops.as(Attention.rotate(Ops.as(x, DataType.FLOAT32), cos, sin), x.getDataType());
  }

  /** LayerNorm (Qwen2-VL, with a bias) or RMSNorm (Qwen2.5-VL, no bias); epsilon 1e-6 in both. */
  private static NDArray norm(NDArray x, NDArray weight, NDArray bias) {
    return bias == null
        ? Ops.rmsNorm(x, weight, NORM_EPS)
        : Ops.layerNorm(x, weight, bias, NORM_EPS);
  }

  private NDArray merge(NDArray x, Qwen2VlConfig.Vision c) {
    Qwen2VlVisionWeights.Merger mg = w.merger();
    long width = (long) c.hidden() * c.mergeSize() * c.mergeSize();
    NDArray normed = norm(x, mg.normWeight(), mg.normBias()).reshape(-1, width);
    NDArray hidden = Ops.activation(Ops.linear(normed, mg.fc1T(), mg.fc1Bias()), "gelu");
    return Ops.linear(hidden, mg.fc2T(), mg.fc2Bias());
  }

  /**
   * Cos and signed sin tables, float32 (rows, headDim), of every patch: its (row, column) within
   * its frame in merge-block order, each frame of a video repeating the image's; the angles of the
   * row then the column take the first half, repeated for the second (HF's {@code
   * Qwen2VLVisionRotaryEmbedding}).
   */
  static float[][] rotaryTables(List<int[]> grids, int merge, float[] inv) {
    int quarter = inv.length;
    int hd = 4 * quarter;
    int rows = 0;
    for (int[] g : grids) {
      rows += g[0] * g[1] * g[2];
    }
    float[] cos = new float[rows * hd];
    float[] sin = new float[rows * hd];
    int r = 0;
    for (int[] g : grids) {
      for (int t = 0; t < g[0]; t++) {
        for (int bh = 0; bh < g[1] / merge; bh++) {
          for (int bw = 0; bw < g[2] / merge; bw++) {
            for (int ih = 0; ih < merge; ih++) {
              for (int iw = 0; iw < merge; iw++, r++) {
                long[] pos = {(long) bh * merge + ih, (long) bw * merge + iw};
                for (int axis = 0; axis < 2; axis++) {
                  for (int i = 0; i < quarter; i++) {
                    float angle = (float) pos[axis] * inv[i]; // float32 product as in torch
                    float cv = (float) Math.cos(angle);
                    float sv = (float) Math.sin(angle);
                    int col = axis * quarter + i;
                    cos[r * hd + col] = cv;
                    cos[r * hd + 2 * quarter + col] = cv;
                    sin[r * hd + col] = -sv;
                    sin[r * hd + 2 * quarter + col] = sv;
                  }
                }
              }
            }
          }
        }
      }
    }
    return new float[][] {cos, sin};
  }

  /** Row boundaries of every frame: attention never crosses one (HF's {@code cu_seqlens}). */
  static int[] frameBoundaries(List<int[]> grids) {
    List<Integer> out = new ArrayList<>(List.of(0));
    int at = 0;
    for (int[] g : grids) {
      for (int t = 0; t < g[0]; t++) {
        at += g[1] * g[2];
        out.add(at);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Qwen2.5-VL's attention windows.
   *
   * @param order merge units in window order: {@code order[j]} is the original index of the unit
   *     placed at j
   * @param boundaries patch-row boundaries of the windows in that order
   */
  record Windows(int[] order, int[] boundaries) {}

  /**
   * HF's {@code get_vision_window_index}: each frame's merged grid is cut into windows of {@code
   * size × size} merge units from its top-left corner (the last row and column of windows may be
   * smaller); units are listed window by window, row-major within a window.
   */
  static Windows windows(List<int[]> grids, int merge, int size) {
    List<Integer> order = new ArrayList<>();
    List<Integer> bounds = new ArrayList<>(List.of(0));
    int unit = merge * merge;
    int base = 0;
    for (int[] g : grids) {
      int lh = g[1] / merge;
      int lw = g[2] / merge;
      for (int t = 0; t < g[0]; t++) {
        for (int wy = 0; wy < lh; wy += size) {
          for (int wx = 0; wx < lw; wx += size) {
            int count = 0;
            for (int y = wy; y < Math.min(wy + size, lh); y++) {
              for (int x = wx; x < Math.min(wx + size, lw); x++) {
                order.add(base + (t * lh + y) * lw + x);
                count++;
              }
            }
            bounds.add(bounds.get(bounds.size() - 1) + count * unit);
          }
        }
      }
      base += g[0] * lh * lw;
    }
    return new Windows(
        order.stream().mapToInt(Integer::intValue).toArray(),
        bounds.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Rows of x regrouped by merge unit: unit j of the result is unit {@code order[j]} of x. */
  private static NDArray permuteUnits(NDArray x, int[] order, int unit) {
    long width = x.getShape().get(1);
    NDArray idx = x.getManager().create(order);
    return x.reshape(-1, unit, width).get(idx).reshape(-1, width);
  }

  private static float[] permuteRows(float[] table, int[] order, int unit, int width) {
    float[] out = new float[table.length];
    int block = unit * width;
    for (int j = 0; j < order.length; j++) {
      System.arraycopy(table, order[j] * block, out, j * block, block);
    }
    return out;
  }
}

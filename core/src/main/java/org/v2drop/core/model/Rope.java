package org.v2drop.core.model;

import org.v2drop.core.checkpoint.RopeConfig;

/**
 * Rotary position embeddings computed from position ids (never from a physical length), so tokens
 * that survive a drop keep their original rotation. Pure functions over Java arrays; HF's rope_init
 * functions are the reference.
 */
public final class Rope {
  private Rope() {}

  /** Inverse frequencies for half the head dimension: (headDim / 2). */
  public static float[] inverseFrequencies(RopeConfig cfg, int headDim) {
    int half = headDim / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      // torch: 1 / base ** (arange(0, dim, 2).float() / dim), in float32
      float exponent = (float) (2 * i) / headDim;
      inv[i] = (float) (1.0 / Math.pow(cfg.theta(), exponent));
    }
    switch (cfg.type()) {
      case "linear" -> {
        for (int i = 0; i < half; i++) {
          inv[i] = (float) (inv[i] / cfg.factor());
        }
      }
      case "llama3" -> llama3(cfg, inv);
      default -> {}
    }
    return inv;
  }

  /**
   * Llama 3.1 frequency smoothing: long wavelengths divided by factor, short kept, a linear blend
   * between.
   */
  private static void llama3(RopeConfig cfg, float[] inv) {
    double oldContext = cfg.originalMaxPositionEmbeddings();
    double lowFreqWavelen = oldContext / cfg.lowFreqFactor();
    double highFreqWavelen = oldContext / cfg.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      double scaled = wavelen > lowFreqWavelen ? inv[i] / cfg.factor() : inv[i];
      boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
      if (medium) {
        double smooth =
            (oldContext / wavelen - cfg.lowFreqFactor())
                / (cfg.highFreqFactor() - cfg.lowFreqFactor());
        scaled = (1 - smooth) * scaled / cfg.factor() + smooth * scaled;
      }
      inv[i] = (float) scaled;
    }
  }

  /**
   * Cos and signed sin tables for the given positions: two arrays of (positions, headDim) laid out
   * row-major. Each cos row is the half-dimension angles' cosines repeated twice (HF's {@code
   * cos(cat(freqs, freqs))}); each sin row is {@code cat(-sin(freqs), sin(freqs))}, the sign HF's
   * {@code rotate_half} puts on the first half, so that {@link Attention#rotate} needs no negation
   * (the products are the same floats).
   */
  public static float[][] cosSin(float[] inverseFrequencies, long[] positions) {
    int half = inverseFrequencies.length;
    int dim = 2 * half;
    float[] cos = new float[positions.length * dim];
    float[] sin = new float[positions.length * dim];
    for (int p = 0; p < positions.length; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) positions[p] * inverseFrequencies[i]; // float32 product as in torch
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[p * dim + i] = c;
        cos[p * dim + half + i] = c;
        sin[p * dim + i] = -s;
        sin[p * dim + half + i] = s;
      }
    }
    return new float[][] {cos, sin};
  }

  /**
   * Which position-id row each frequency of the half head dimension takes under M-RoPE (Qwen2-VL's
   * multimodal rotary embedding): the {@code mrope_section} chunks in order, chunk i taking row i
   * mod 3 (temporal, height, width).
   *
   * @param section chunk widths over the half head dimension (summing to it)
   * @return (half) row of each frequency
   */
  public static int[] mropeRows(int[] section, int half) {
    int[] rowOf = new int[half];
    int j = 0;
    for (int chunk = 0; chunk < section.length; chunk++) {
      for (int k = 0; k < section[chunk]; k++, j++) {
        if (j >= half) {
          break;
        }
        rowOf[j] = chunk % 3;
      }
    }
    if (j != half || java.util.Arrays.stream(section).sum() != half) {
      throw new IllegalArgumentException(
          "mrope_section "
              + java.util.Arrays.toString(section)
              + " must sum to half the head dim, "
              + half);
    }
    return rowOf;
  }

  /**
   * Cos and signed sin tables ({@link #cosSin(float[], long[])}'s layout) for position ids of one
   * or more rows: frequency j of the half dimension takes the angle of row {@code rowOf[j]}, each
   * row's angle computed as for 1-D RoPE, so equal to it wherever the rows agree (HF's Qwen2-VL
   * rotary embedding).
   *
   * @param rows (rows, n) position ids
   * @param rowOf (half) each frequency's row ({@link #mropeRows}), or null when there is one row
   */
  public static float[][] cosSin(float[] inverseFrequencies, long[][] rows, int[] rowOf) {
    if (rowOf == null) {
      return cosSin(inverseFrequencies, rows[0]);
    }
    int half = inverseFrequencies.length;
    int dim = 2 * half;
    float[][][] perRow = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      perRow[r] = cosSin(inverseFrequencies, rows[r]);
    }
    int n = rows[0].length;
    float[] cos = new float[n * dim];
    float[] sin = new float[n * dim];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < half; i++) {
        float[][] t = perRow[rowOf[i]];
        for (int at : new int[] {p * dim + i, p * dim + half + i}) {
          cos[at] = t[0][at];
          sin[at] = t[1][at];
        }
      }
    }
    return new float[][] {cos, sin};
  }
}

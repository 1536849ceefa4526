package org.v2drop.core.drop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Named V²Drop schedules: for LLaVA-1.5 (32 decoder layers, 576 vision tokens) and for Qwen2-VL-7B
 * (28 layers); see docs/token-dropping.md.
 *
 * <p>llava-192 is the paper's schedule (layers 3, 17, 22 keeping 0.5, 0.5, 0; layer average 202.8
 * tokens). llava-128 and llava-64 keep those layers and the reference shape (equal first two
 * ratios, last 0) with the ratio on a 0.01 grid whose layer average is closest to 128 / 64. On a
 * model of another depth the layers map as {@link PaperSchedule#mapLayer} says (the first drop
 * stays at layer 3); the ratios stay, so the layer average differs from the name's — a budget spec
 * ({@code <method>@budget:192}) keeps the average instead.
 *
 * <p>qwen2vl-22 is the V²Drop repository's Qwen2-VL-7B schedule (layers 3, 16, 22 of 28 keeping
 * 0.25, 0.05, then one token): about 22% of the vision tokens kept on the layer average, the
 * paper's "↓77.8%" setting; on other depths its layers map from 28.
 */
public enum Preset {
  LLAVA_192("llava-192", new int[] {3, 17, 22}, new double[] {0.5, 0.5, 0.0}, 32),
  LLAVA_128("llava-128", new int[] {3, 17, 22}, new double[] {0.27, 0.27, 0.0}, 32),
  LLAVA_64("llava-64", new int[] {3, 17, 22}, new double[] {0.04, 0.04, 0.0}, 32),
  QWEN2VL_22("qwen2vl-22", new int[] {3, 16, 22}, new double[] {0.25, 0.05, 0.0}, 28);

  private final String id;
  private final int[] layers;
  private final double[] ratios;
  private final int referenceLayers;

  Preset(String id, int[] layers, double[] ratios, int referenceLayers) {
    this.id = id;
    this.layers = layers;
    this.ratios = ratios;
    this.referenceLayers = referenceLayers;
  }

  /** The depth of the model the schedule was published for (32: LLaVA-1.5-7B, 28: Qwen2-VL-7B). */
  public int referenceLayers() {
    return referenceLayers;
  }

  public String id() {
    return id;
  }

  public static Preset byId(String id) {
    for (Preset p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    return null;
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(Preset::id).toList();
  }

  /** The schedule scaled to a model with {@code numLayers} decoder layers. */
  public DropSchedule scaledTo(int numLayers) {
    List<Stage> stages = new ArrayList<>();
    int last = 0;
    for (int i = 0; i < layers.length; i++) {
      int l = PaperSchedule.mapLayer(layers[i], referenceLayers, numLayers);
      if (l <= last || l >= numLayers) {
        throw new IllegalArgumentException(
            "preset "
                + id
                + " cannot be scaled to "
                + numLayers
                + " layers (scaled layers would not be strictly increasing in [1, "
                + numLayers
                + "))");
      }
      stages.add(new Stage(l, ratios[i]));
      last = l;
    }
    return new DropSchedule(stages);
  }

  /**
   * Layer-averaged vision tokens of 576 on the reference model (what a LLaVA preset's name stands
   * for).
   */
  public double referenceAverage() {
    return scaledTo(referenceLayers)
        .averageVisionTokens(PaperSchedule.REFERENCE_VISION_TOKENS, referenceLayers);
  }
}

package org.v2drop.core.drop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Named V²Drop schedules for LLaVA-1.5 (32 decoder layers, 576 vision tokens); see
 * docs/token-dropping.md.
 *
 * <p>llava-192 is the paper's schedule (layers 3, 17, 22 keeping 0.5, 0.5, 0; layer average 202.8
 * tokens). llava-128 and llava-64 keep those layers and the reference shape (equal first two
 * ratios, last 0) with the ratio on a 0.01 grid whose layer average is closest to 128 / 64. On a
 * model of another depth the layers map as {@link PaperSchedule#mapLayer} says (the first drop
 * stays at layer 3); the ratios stay, so the layer average differs from the name's — a budget spec
 * ({@code <method>@budget:192}) keeps the average instead.
 */
public enum Preset {
  LLAVA_192("llava-192", new int[] {3, 17, 22}, new double[] {0.5, 0.5, 0.0}),
  LLAVA_128("llava-128", new int[] {3, 17, 22}, new double[] {0.27, 0.27, 0.0}),
  LLAVA_64("llava-64", new int[] {3, 17, 22}, new double[] {0.04, 0.04, 0.0});

  private final String id;
  private final int[] layers;
  private final double[] ratios;

  Preset(String id, int[] layers, double[] ratios) {
    this.id = id;
    this.layers = layers;
    this.ratios = ratios;
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
      int l = PaperSchedule.mapLayer(layers[i], numLayers);
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

  /** Layer-averaged vision tokens on the reference model (what the preset name stands for). */
  public double referenceAverage() {
    return scaledTo(PaperSchedule.REFERENCE_LAYERS)
        .averageVisionTokens(PaperSchedule.REFERENCE_VISION_TOKENS, PaperSchedule.REFERENCE_LAYERS);
  }
}

package org.v2drop.core.drop;

import java.util.ArrayList;
import java.util.List;

/**
 * The V²Drop paper's schedule and how it maps to a model of another depth (docs/token-dropping.md
 * "Schedules on other depths"), and every method's schedule at a {@link Budget}.
 *
 * <p>The paper drops first at layer 3 on both its 32-layer (LLaVA-1.5) and 28-layer (Qwen2-VL)
 * models: the first drop waits for three layers of real work whatever the depth (on the 8-layer
 * demo model a drop at layer 1, where "variation" is one layer's change, keeps only background).
 * The later stages, at 17 and 22 of 32, keep their relative place in the layers after the first:
 * {@code round(3 + (l - 3) * (D - 3) / 29)}.
 *
 * <p>At a budget, V²Drop, PyramidDrop and random use those three layers with the shape {@code r, r,
 * 0} (ratios of the alive tokens; 0 keeps one token) and FastV drops once, at the first layer; in
 * both cases {@code r} is the ratio whose layer-averaged share of vision tokens equals the budget
 * (ignoring the floor of each keep count), rounded to 4 decimals. So every method is compared at
 * the same mean vision tokens per layer, and differs only in how it ranks the tokens (and PDrop in
 * its renumbering).
 */
public final class PaperSchedule {
  /** The layer of the first drop, on every depth. */
  public static final int FIRST_DROP_LAYER = 3;

  /** The paper's drop layers on LLaVA-1.5-7B. */
  static final int[] REFERENCE_DROP_LAYERS = {3, 17, 22};

  /** Depth of the model the reference layers were chosen for (LLaVA-1.5-7B). */
  public static final int REFERENCE_LAYERS = 32;

  /** Vision tokens of one LLaVA-1.5 image (336 px, patch 14): the unit of the paper's budgets. */
  public static final int REFERENCE_VISION_TOKENS = 576;

  private PaperSchedule() {}

  /** Where reference layer {@code layer} (of 32) falls on a model of {@code depth} layers. */
  public static int mapLayer(int layer, int depth) {
    return mapLayer(layer, REFERENCE_LAYERS, depth);
  }

  /**
   * Where layer {@code layer} of a {@code from}-layer schedule falls on a model of {@code depth}
   * layers: the first drop stays at layer 3, later layers keep their relative place in the layers
   * after it.
   */
  public static int mapLayer(int layer, int from, int depth) {
    if (layer <= FIRST_DROP_LAYER || from == depth) {
      return layer;
    }
    double scaled =
        FIRST_DROP_LAYER
            + (double) (layer - FIRST_DROP_LAYER)
                * (depth - FIRST_DROP_LAYER)
                / (from - FIRST_DROP_LAYER);
    return (int) Math.floor(scaled + 0.5);
  }

  /** The paper's three drop layers on a model of {@code depth} layers. */
  public static int[] dropLayers(int depth) {
    int[] out = new int[REFERENCE_DROP_LAYERS.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = mapLayer(REFERENCE_DROP_LAYERS[i], depth);
      if (out[i] >= depth || (i > 0 && out[i] <= out[i - 1])) {
        throw new IllegalArgumentException(
            "a model of "
                + depth
                + " decoder layers is too shallow for the paper's three drops (layers 3, 17, 22 of"
                + " 32 map to "
                + java.util.Arrays.toString(mapAll(depth))
                + ", which must be strictly increasing below "
                + depth
                + ")");
      }
    }
    return out;
  }

  private static int[] mapAll(int depth) {
    int[] out = new int[REFERENCE_DROP_LAYERS.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = mapLayer(REFERENCE_DROP_LAYERS[i], depth);
    }
    return out;
  }

  /** {@code method}'s schedule at {@code budget} on a model of {@code depth} layers. */
  public static DropSchedule atBudget(DropMethod method, Budget budget, int depth) {
    double b = budget.share();
    double floor = (double) FIRST_DROP_LAYER / depth; // every token runs the layers before a drop
    if (b <= floor) {
      throw new IllegalArgumentException(
          "budget "
              + budget.describe()
              + " is below what a model of "
              + depth
              + " layers keeps by running every vision token through the "
              + FIRST_DROP_LAYER
              + " layers before the first drop ("
              + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * floor)
              + "); choose a larger budget");
    }
    if (method == DropMethod.FASTV) {
      // (L + (D - L) r) / D = b
      double r = (b * depth - FIRST_DROP_LAYER) / (depth - FIRST_DROP_LAYER);
      return new DropSchedule(List.of(new Stage(FIRST_DROP_LAYER, round(r))));
    }
    int[] l = dropLayers(depth);
    // (L1 + (L2 - L1) r + (L3 - L2) r^2) / D = b, the root in [0, 1]
    double a = l[2] - l[1];
    double lin = l[1] - l[0];
    double c = l[0] - b * depth;
    double r = (-lin + Math.sqrt(lin * lin - 4 * a * c)) / (2 * a);
    if (r > 1) {
      throw new IllegalArgumentException(
          "budget "
              + budget.describe()
              + " keeps more than the paper's three layers can drop on a model of "
              + depth
              + " layers");
    }
    List<Stage> stages = new ArrayList<>();
    stages.add(new Stage(l[0], round(r)));
    stages.add(new Stage(l[1], round(r)));
    stages.add(new Stage(l[2], 0));
    return new DropSchedule(stages);
  }

  private static double round(double r) {
    return Math.max(0, Math.min(1, Math.round(r * 10_000) / 10_000.0));
  }
}

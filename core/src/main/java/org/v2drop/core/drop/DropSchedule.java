package org.v2drop.core.drop;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The expanded drop stages of a method for one model depth: layers strictly increasing in [1,
 * numLayers).
 */
public record DropSchedule(List<Stage> stages) {
  public static final DropSchedule NONE = new DropSchedule(List.of());

  public DropSchedule {
    stages = List.copyOf(stages);
    for (int i = 1; i < stages.size(); i++) {
      if (stages.get(i).layer() <= stages.get(i - 1).layer()) {
        throw new IllegalArgumentException(
            "drop layers must be strictly increasing, found " + describe(stages));
      }
    }
  }

  /** The stage at {@code layer}, or null. */
  public Stage at(int layer) {
    for (Stage s : stages) {
      if (s.layer() == layer) {
        return s;
      }
    }
    return null;
  }

  /**
   * Vision tokens alive in each of {@code numLayers} layers when starting with {@code vision}
   * tokens.
   */
  public int[] visionTokensPerLayer(int vision, int numLayers) {
    int[] out = new int[numLayers];
    int alive = vision;
    for (int l = 0; l < numLayers; l++) {
      Stage s = at(l);
      if (s != null) {
        alive = s.keep(alive);
      }
      out[l] = alive;
    }
    return out;
  }

  /** Layer-averaged vision tokens (the convention of the paper tables). */
  public double averageVisionTokens(int vision, int numLayers) {
    long sum = 0;
    for (int n : visionTokensPerLayer(vision, numLayers)) {
      sum += n;
    }
    return (double) sum / numLayers;
  }

  /** {@code 3:0.5,17:0.5,22:0}, or empty for no dropping. */
  @Override
  public String toString() {
    return describe(stages);
  }

  private static String describe(List<Stage> stages) {
    return stages.stream().map(Stage::toString).collect(Collectors.joining(","));
  }
}

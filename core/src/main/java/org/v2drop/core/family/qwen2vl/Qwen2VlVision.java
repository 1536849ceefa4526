package org.v2drop.core.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.Ops;
import org.v2drop.core.model.VisionEncoder;
import org.v2drop.core.processor.EncodedInput;

/**
 * Qwen2-VL's / Qwen2.5-VL's vision side: every image and video of a batch through {@link
 * Qwen2VlVisionTower} in one pass (attention never crosses a frame, so prompts do not see each
 * other), each prompt taking its own rows of the merged features back.
 */
final class Qwen2VlVision implements VisionEncoder {
  private final Qwen2VlVisionTower tower;
  private final ComputeDType dtype;
  private final int mergeUnit;

  Qwen2VlVision(Qwen2VlVisionTower tower, ComputeDType dtype, int mergeSize) {
    this.tower = tower;
    this.dtype = dtype;
    this.mergeUnit = mergeSize * mergeSize;
  }

  /** The readable tower whatever {@code fused} says: this family has no fused tower yet. */
  @Override
  public NDArray[] features(NDManager m, List<EncodedInput> inputs, boolean fused) {
    NDArray[] out = new NDArray[inputs.size()];
    List<int[]> grids = new ArrayList<>();
    int values = 0;
    for (EncodedInput in : inputs) {
      grids.addAll(in.visionGrids());
      values += in.pixelValues().length;
    }
    if (grids.isEmpty()) {
      return out;
    }
    float[] pixels = new float[values];
    int offset = 0;
    for (EncodedInput in : inputs) {
      System.arraycopy(in.pixelValues(), 0, pixels, offset, in.pixelValues().length);
      offset += in.pixelValues().length;
    }
    long rows = 0;
    for (int[] g : grids) {
      rows += (long) g[0] * g[1] * g[2];
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = Ops.into(m.create(pixels, new Shape(rows, values / rows)), dtype.dataType());
      NDArray all = tower.features(in, grids); // (tokens, textHidden)
      long row = 0;
      for (int s = 0; s < out.length; s++) {
        long n = 0;
        for (int[] g : inputs.get(s).visionGrids()) {
          n += (long) g[0] * g[1] * g[2] / mergeUnit;
        }
        if (n > 0) {
          out[s] = all.get(new NDIndex(row + ":" + (row + n) + ", :"));
          NDScope.unregister(out[s]);
        }
        row += n;
      }
    }
    return out;
  }

  @Override
  public void close() {}
}

package org.v2drop.core.family.llavanext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.v2drop.core.model.LlavaVision;
import org.v2drop.core.model.VisionEncoder;
import org.v2drop.core.processor.EncodedInput;

/**
 * LLaVA-NeXT's vision side: every tile through LLaVA's CLIP tower and projector (all of a batch's
 * tiles at once), then each image's features packed as HF's {@code pack_image_features} lays them
 * out ({@link AnyRes#packOrder}), the learned {@code image_newline} closing each grid row.
 */
final class LlavaNextVision implements VisionEncoder {
  private final LlavaVision vision;
  private final NDArray newline; // (textHidden)
  private final List<int[]> pinpoints;
  private final int tile;
  private final int side;

  LlavaNextVision(LlavaVision vision, NDArray newline, List<int[]> pinpoints, int tile, int side) {
    this.vision = vision;
    this.newline = newline;
    this.pinpoints = List.copyOf(pinpoints);
    this.tile = tile;
    this.side = side;
  }

  /**
   * @return per input its images' packed features (vision tokens, textHidden), in prompt order
   */
  @Override
  public NDArray[] features(NDManager m, List<EncodedInput> inputs, boolean fused) {
    NDArray[] tiles = vision.features(m, inputs, fused); // per input (tiles * side², textHidden)
    NDArray[] out = new NDArray[inputs.size()];
    int perTile = side * side;
    for (int s = 0; s < out.length; s++) {
      if (tiles[s] == null) {
        continue;
      }
      long rows = tiles[s].getShape().get(0);
      int total = 0;
      List<int[]> grids = inputs.get(s).visionGrids(); // per image {tiles, height, width}
      int[][] orders = new int[grids.size()][];
      for (int i = 0; i < grids.size(); i++) {
        int[] g = grids.get(i);
        orders[i] = AnyRes.packOrder(g[1], g[2], pinpoints, tile, side, g[0]);
        total += orders[i].length;
      }
      long[] index = new long[total];
      int k = 0;
      int offset = 0;
      for (int i = 0; i < grids.size(); i++) {
        for (int f : orders[i]) {
          index[k++] = f == AnyRes.NEWLINE ? rows : (long) offset * perTile + f;
        }
        offset += grids.get(i)[0];
      }
      try (NDManager scratch = m.newSubManager()) {
        NDArray all =
            tiles[s].concat(
                newline.reshape(1, newline.getShape().get(0)).toType(tiles[s].getDataType(), false),
                0);
        NDArray idx = scratch.create(index, new Shape(total));
        NDArray packed = all.get(new NDIndex("{}", idx));
        packed.attach(m);
        out[s] = packed;
        tiles[s].close();
      }
    }
    return out;
  }

  @Override
  public void close() {
    vision.close();
  }
}

package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.v2drop.core.model.DecoderLayer;
import org.v2drop.core.model.Ops;

/**
 * The prefill state of a whole batch at the boundary before decoder layer {@link #layer}: the
 * layer's input, the previous layer's input (same rows) and the layers' weights. Sequences read it
 * through their {@link BoundaryView}; what several sequences need is computed once for the batch,
 * and only when a policy first asks.
 */
final class BatchBoundary {
  final int layer;
  private final NDArray input; // (b, rows, hidden)
  private final NDArray previousInput; // (b, rows, hidden)
  private final NDArray scores; // (b, rows) float32 variation from the fused layer call, or null
  final DecoderLayer current;
  final DecoderLayer previous;
  final RopeTables rope;
  private float[] variation; // (b * rows), on first use

  /**
   * @param variation (b, rows) {@code ||input - previousInput||} in float32 computed by the fused
   *     layer call that made {@code input}, or null: computed here on first use
   */
  BatchBoundary(
      int layer,
      NDArray input,
      NDArray previousInput,
      NDArray variation,
      List<DecoderLayer> layers,
      RopeTables rope) {
    this.layer = layer;
    this.input = input;
    this.previousInput = previousInput;
    this.scores = variation;
    this.current = layers.get(layer);
    this.previous = layers.get(layer - 1);
    this.rope = rope;
  }

  /**
   * {@code ||input - previousInput||_2} over the hidden axis at the given rows of sequence {@code
   * s}. Computed for every row of the batch in one pass (each row's norm is its own reduction),
   * then picked on the host.
   */
  float[] variation(int s, long[] rows) {
    if (variation == null && scores != null) {
      variation = scores.toFloatArray(); // the same ops, run by the fused call
    } else if (variation == null) {
      // float32 math from the hidden states of any type (spec: V²Drop step 1)
      variation =
          Ops.as(input, DataType.FLOAT32)
              .sub(Ops.as(previousInput, DataType.FLOAT32))
              .norm(new int[] {-1})
              .toFloatArray();
    }
    long stride = input.getShape().get(1);
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = variation[(int) (s * stride + rows[i])];
    }
    return out;
  }

  /**
   * Sequence {@code s}'s first {@code n} rows (its real tokens) of this layer's input, or of the
   * previous one's.
   */
  NDArray rows(int s, long n, boolean ofPreviousLayer) {
    return (ofPreviousLayer ? previousInput : input)
        .get(new NDIndex().addIndices(s).addSliceDim(0, n));
  }
}

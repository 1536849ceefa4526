package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.v2drop.core.model.Rope;

/** Builds cos/signed-sin arrays for position ids from the model's inverse frequencies (headDim = 2 x their count). */
final class RopeTables {
  private final float[] inverseFrequencies; // (headDim / 2)

  RopeTables(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies;
  }

  /**
   * {cos, signed sin} ({@link Rope#cosSin}) for {@code batch * rows} positions (row-major per sequence), owned by
   * {@code m}, created directly as (batch, 1, rows, headDim). Never reshape them instead: DJL's CPU arrays made from
   * Java data wrap a buffer that only the created array keeps alive, so a view that outlives it reads memory the
   * garbage collector may free (GarbageCollectionIT).
   */
  NDArray[] cosSin(NDManager m, long[] positions, long batch, long rows) {
    return create(m, positions, new Shape(batch, 1, rows, headDim()));
  }

  /** {cos, signed sin} for {@code positions} as (positions, headDim). */
  NDArray[] cosSin(NDManager m, long[] positions) {
    return create(m, positions, new Shape(positions.length, headDim()));
  }

  private NDArray[] create(NDManager m, long[] positions, Shape shape) {
    float[][] t = Rope.cosSin(inverseFrequencies, positions);
    return new NDArray[] {m.create(t[0], shape), m.create(t[1], shape)};
  }

  private long headDim() {
    return 2L * inverseFrequencies.length;
  }
}

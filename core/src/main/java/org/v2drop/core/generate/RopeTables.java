package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.v2drop.core.model.Rope;

/** Builds (n, headDim) cos/sin arrays for position ids from the model's inverse frequencies. */
final class RopeTables {
  private final float[] inverseFrequencies; // (headDim / 2)

  RopeTables(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies;
  }

  /** {cos, sin}, each (positions, headDim), owned by {@code m}. */
  NDArray[] cosSin(NDManager m, long[] positions) {
    float[][] t = Rope.cosSin(inverseFrequencies, positions);
    Shape s = new Shape(positions.length, 2L * inverseFrequencies.length);
    return new NDArray[] {m.create(t[0], s), m.create(t[1], s)};
  }
}

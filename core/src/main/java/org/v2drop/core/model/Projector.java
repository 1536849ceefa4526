package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;

/** LLaVA's multi-modal projector: linear → activation → linear. */
public final class Projector {
  private final ProjectorWeights w;
  private final String activation;

  public Projector(ProjectorWeights weights, String activation) {
    this.w = weights;
    this.activation = activation;
  }

  /** (..., visionFeatures) → (..., textHidden). */
  public NDArray project(NDArray features) {
    return Ops.linear(
        Ops.activation(Ops.linear(features, w.linear1T(), w.bias1()), activation),
        w.linear2T(),
        w.bias2());
  }
}

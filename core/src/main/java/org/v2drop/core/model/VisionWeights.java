package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * CLIP vision tower weights, transposed for {@code x @ wT} and fused where the layout allows.
 *
 * @param patchT patch-embedding convolution as a matrix: (channels * patch * patch, hidden)
 * @param classEmbedding (hidden)
 * @param positionEmbedding (patches + 1, hidden)
 * @param preNormWeight (hidden)
 * @param preNormBias (hidden)
 */
public record VisionWeights(
    NDArray patchT,
    NDArray classEmbedding,
    NDArray positionEmbedding,
    NDArray preNormWeight,
    NDArray preNormBias,
    List<Layer> layers) {

  /**
   * One encoder layer.
   *
   * @param qkvT fused q/k/v projection: (hidden, 3 * hidden)
   * @param qkvBias (3 * hidden)
   * @param outT (hidden, hidden)
   * @param fc1T (hidden, intermediate)
   * @param fc2T (intermediate, hidden)
   */
  public record Layer(
      NDArray norm1Weight,
      NDArray norm1Bias,
      NDArray qkvT,
      NDArray qkvBias,
      NDArray outT,
      NDArray outBias,
      NDArray norm2Weight,
      NDArray norm2Bias,
      NDArray fc1T,
      NDArray fc1Bias,
      NDArray fc2T,
      NDArray fc2Bias) {}
}

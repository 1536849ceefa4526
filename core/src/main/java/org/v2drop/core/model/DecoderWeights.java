package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Llama decoder weights, transposed for {@code x @ wT}, with q/k/v fused into one projection.
 *
 * @param embedTokens (vocab, hidden)
 * @param finalNorm (hidden)
 * @param lmHeadT (hidden, vocab)
 */
public record DecoderWeights(
    NDArray embedTokens, List<Layer> layers, NDArray finalNorm, NDArray lmHeadT) {

  /**
   * One decoder layer.
   *
   * @param inputNorm (hidden)
   * @param qkvT fused projection: (hidden, (heads + 2 * kvHeads) * headDim)
   * @param qT view of the q columns: (hidden, heads * headDim)
   * @param kT view of the k columns: (hidden, kvHeads * headDim)
   * @param oT (heads * headDim, hidden)
   * @param postNorm (hidden)
   * @param gateT (hidden, intermediate)
   * @param upT (hidden, intermediate)
   * @param downT (intermediate, hidden)
   */
  public record Layer(
      NDArray inputNorm,
      NDArray qkvT,
      NDArray qT,
      NDArray kT,
      NDArray oT,
      NDArray postNorm,
      NDArray gateT,
      NDArray upT,
      NDArray downT) {}
}

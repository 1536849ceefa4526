package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;

/**
 * What a decoder layer call needs besides its hidden states: the RoPE tables of the tokens'
 * position ids and the additive mask of padding key columns (the causal rule is the attention
 * kernel's own). Built by the caller once for every layer that processes the same tokens (a prefill
 * segment between two drops; a decode step), so no layer rebuilds them.
 *
 * @param cos (batch, 1, n, headDim) for the tokens' position ids
 * @param sin (batch, 1, n, headDim) signed sin ({@link Rope#cosSin})
 * @param keyMask (batch, 1, 1, cached + n) additive mask of padding key columns, or null when there
 *     is none
 */
public record AttentionInputs(NDArray cos, NDArray sin, NDArray keyMask) {
  /**
   * The same tokens with another layer's padding-key mask (cache lengths differ per layer after
   * drops).
   */
  public AttentionInputs withKeyMask(NDArray mask) {
    return new AttentionInputs(cos, sin, mask);
  }
}

package org.v2drop.core.drop;

/** Which layer's weights and input compute the attention row an attention-based policy ranks by. */
public enum AttentionSource {
  /** FastV: the attention of layer l-1 on its own input (the layer that just ran). */
  PREVIOUS_LAYER,
  /**
   * PyramidDrop: layer l's input_layernorm + q/k projections + RoPE applied to the input of layer
   * l.
   */
  THIS_LAYER
}

package org.v2drop.core.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The Qwen2-VL / Qwen2.5-VL vision tower's weights, transposed for {@code x @ wT}. Norm biases are
 * null where the generation uses RMSNorm (Qwen2.5-VL); {@code gateT} is null where the MLP is a
 * plain two-layer one (Qwen2-VL).
 *
 * @param patchT the patch embedding (a Conv3d with kernel = stride) as a matrix: (channels *
 *     temporal_patch * patch * patch, hidden)
 */
public record Qwen2VlVisionWeights(NDArray patchT, List<Block> blocks, Merger merger) {

  /**
   * One block: {@code x += proj(attn(norm1(x)))}, {@code x += mlp(norm2(x))}.
   *
   * @param qkvT fused q/k/v: (hidden, 3 * hidden)
   * @param upT Qwen2-VL's fc1 or Qwen2.5-VL's up_proj: (hidden, intermediate)
   * @param gateT Qwen2.5-VL's gate_proj (hidden, intermediate), or null
   * @param downT Qwen2-VL's fc2 or Qwen2.5-VL's down_proj: (intermediate, hidden)
   */
  public record Block(
      NDArray norm1Weight,
      NDArray norm1Bias,
      NDArray qkvT,
      NDArray qkvBias,
      NDArray projT,
      NDArray projBias,
      NDArray norm2Weight,
      NDArray norm2Bias,
      NDArray gateT,
      NDArray gateBias,
      NDArray upT,
      NDArray upBias,
      NDArray downT,
      NDArray downBias) {}

  /**
   * The patch merger: {@code ln_q}, the merge block's rows concatenated, {@code mlp.0}, GELU,
   * {@code mlp.2}.
   */
  public record Merger(
      NDArray normWeight,
      NDArray normBias,
      NDArray fc1T,
      NDArray fc1Bias,
      NDArray fc2T,
      NDArray fc2Bias) {}
}

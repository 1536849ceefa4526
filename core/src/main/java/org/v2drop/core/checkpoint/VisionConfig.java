package org.v2drop.core.checkpoint;

/** The CLIP vision tower's dimensions (HF {@code vision_config}). */
public record VisionConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int imageSize,
    int patchSize,
    int numChannels,
    String hiddenAct,
    double layerNormEps) {
  public VisionConfig {
    if (hiddenSize <= 0
        || intermediateSize <= 0
        || numHiddenLayers <= 0
        || numAttentionHeads <= 0
        || imageSize <= 0
        || patchSize <= 0
        || numChannels <= 0) {
      throw new CheckpointException("vision_config: sizes must be positive, found " + this);
    }
    if (hiddenSize % numAttentionHeads != 0) {
      throw new CheckpointException(
          "vision_config: hidden_size "
              + hiddenSize
              + " is not divisible by "
              + "num_attention_heads "
              + numAttentionHeads);
    }
    if (imageSize % patchSize != 0) {
      throw new CheckpointException(
          "vision_config: image_size "
              + imageSize
              + " is not a multiple of patch_size "
              + patchSize);
    }
  }

  public int patchesPerSide() {
    return imageSize / patchSize;
  }

  public int numPatches() {
    return patchesPerSide() * patchesPerSide();
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }
}

package org.v2drop.core.checkpoint;

/** The Llama decoder's dimensions (HF {@code text_config}). */
public record TextConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    RopeConfig rope,
    int vocabSize,
    boolean tieWordEmbeddings,
    int slidingWindow) {
  /** A decoder with full causal attention (no sliding window). */
  public TextConfig(
      int hiddenSize,
      int intermediateSize,
      int numHiddenLayers,
      int numAttentionHeads,
      int numKeyValueHeads,
      int headDim,
      double rmsNormEps,
      RopeConfig rope,
      int vocabSize,
      boolean tieWordEmbeddings) {
    this(
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        headDim,
        rmsNormEps,
        rope,
        vocabSize,
        tieWordEmbeddings,
        0);
  }

  public TextConfig {
    if (hiddenSize <= 0
        || intermediateSize <= 0
        || numHiddenLayers <= 0
        || numAttentionHeads <= 0
        || vocabSize <= 0
        || headDim <= 0) {
      throw new CheckpointException("text_config: sizes must be positive, found " + this);
    }
    if (numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
      throw new CheckpointException(
          "text_config: num_attention_heads "
              + numAttentionHeads
              + " must be a multiple of num_key_value_heads "
              + numKeyValueHeads);
    }
    if (slidingWindow < 0) {
      throw new CheckpointException(
          "text_config: sliding_window must be positive, found " + slidingWindow);
    }
    if (headDim % 2 != 0) {
      throw new CheckpointException(
          "text_config: head_dim must be even for RoPE, found " + headDim);
    }
  }
}

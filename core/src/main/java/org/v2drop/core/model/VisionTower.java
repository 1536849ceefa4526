package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.VisionConfig;

/**
 * The CLIP vision tower up to the hidden state LLaVA reads: patch embedding, class + position
 * embeddings, pre-layernorm, encoder layers; features from {@code vision_feature_layer} (CLS
 * dropped for "default").
 */
public final class VisionTower {
  private final LlavaConfig config;
  private final VisionWeights w;

  public VisionTower(LlavaConfig config, VisionWeights weights) {
    this.config = config;
    this.w = weights;
  }

  /**
   * Hidden-state index of a (possibly negative) vision_feature_layer: 0 = embeddings, i = after
   * layer i.
   */
  static int hiddenStateIndex(int featureLayer, int numLayers) {
    return featureLayer < 0 ? numLayers + 1 + featureLayer : featureLayer;
  }

  /** The attention scale of HF's CLIP, {@code head_dim ** -0.5}. */
  static double attentionScale(VisionConfig c) {
    return Math.pow(c.headDim(), -0.5);
  }

  /** The LayerNorm epsilon as torch's kernel receives it here (DJL's layerNorm takes a float). */
  static float layerNormEps(VisionConfig c) {
    return (float) c.layerNormEps();
  }

  /** Whether the class token is dropped from the features (select strategy "default"). */
  static boolean dropsClassToken(LlavaConfig c) {
    return c.visionFeatureSelectStrategy().equals("default");
  }

  /** Encoder layers that must run to reach every selected hidden state. */
  public static int layersNeeded(LlavaConfig c) {
    int max = 0;
    for (int l : c.visionFeatureLayers()) {
      max = Math.max(max, hiddenStateIndex(l, c.vision().numHiddenLayers()));
    }
    return max;
  }

  /**
   * Selected features for a batch of images.
   *
   * @param pixels (images, channels, imageSize, imageSize)
   * @return (images, tokensPerImage, hidden * featureLayers)
   */
  public NDArray features(NDArray pixels) {
    VisionConfig c = config.vision();
    long b = pixels.getShape().get(0);
    int g = c.patchesPerSide();
    int p = c.patchSize();
    // patch embedding as a matmul over unfolded patches (conv stride = kernel = patch)
    NDArray patches =
        pixels
            .reshape(b, c.numChannels(), g, p, g, p)
            .transpose(0, 2, 4, 1, 3, 5)
            .reshape(b, (long) g * g, (long) c.numChannels() * p * p)
            .matMul(w.patchT()); // (b, patches, hidden)
    NDArray cls =
        patches
            .get(new NDIndex(":, 0:1, :"))
            .zerosLike()
            .addi(w.classEmbedding()); // (b, 1, hidden)
    NDArray x = cls.concat(patches, 1).addi(w.positionEmbedding()); // (b, patches + 1, hidden)
    x = Ops.layerNorm(x, w.preNormWeight(), w.preNormBias(), layerNormEps(c));
    int[] wanted = new int[config.visionFeatureLayers().length];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = hiddenStateIndex(config.visionFeatureLayers()[i], c.numHiddenLayers());
    }
    NDArray[] selected = new NDArray[wanted.length];
    for (int layer = 0; ; layer++) {
      for (int i = 0; i < wanted.length; i++) {
        if (wanted[i] == layer) {
          selected[i] = x;
        }
      }
      if (layer == w.layers().size()) {
        break;
      }
      x = nextLayer(x, w.layers().get(layer), c, selected);
    }
    NDArray feats = selected.length == 1 ? selected[0] : NDArrays.concat(new NDList(selected), 2);
    return dropsClassToken(config) ? feats.get(new NDIndex(":, 1:, :")) : feats;
  }

  /**
   * One encoder layer in a scope of its own: its intermediates (at 8 images, ~70 MB per layer of
   * scores, probabilities and MLP activations) are freed when it ends, not after all layers, and
   * its input is freed too unless it is a selected feature layer. The output joins the caller's
   * scope.
   */
  private static NDArray nextLayer(
      NDArray x, VisionWeights.Layer l, VisionConfig c, NDArray[] selected) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = encoderLayer(x, l, c);
      NDScope.unregister(out);
    }
    NDScope.register(out);
    if (Arrays.stream(selected).noneMatch(f -> f == x)) {
      x.close();
    }
    return out;
  }

  private static NDArray encoderLayer(NDArray x, VisionWeights.Layer l, VisionConfig c) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    int d = c.hiddenSize();
    int h = c.numAttentionHeads();
    int hd = c.headDim();
    NDArray normed = Ops.layerNorm(x, l.norm1Weight(), l.norm1Bias(), layerNormEps(c));
    NDArray qkv =
        Ops.linear(normed, l.qkvT(), l.qkvBias())
            .reshape(b, n, 3, h, hd)
            .transpose(2, 0, 3, 1, 4); // (3, b, heads, n, headDim)
    NDArray q = qkv.get(0);
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    NDArray attn =
        TorchAttention.full(q, k, v, attentionScale(c))
            .transpose(0, 2, 1, 3)
            .reshape(b, n, d); // (b, n, hidden)
    x = x.add(Ops.linear(attn, l.outT(), l.outBias()));
    NDArray mlp = Ops.layerNorm(x, l.norm2Weight(), l.norm2Bias(), layerNormEps(c));
    mlp =
        Ops.linear(
            Ops.activation(Ops.linear(mlp, l.fc1T(), l.fc1Bias()), c.hiddenAct()),
            l.fc2T(),
            l.fc2Bias());
    return x.addi(mlp);
  }
}

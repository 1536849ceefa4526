package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Small tensor functions shared by the vision tower and the decoder. The input always comes first,
 * so every result belongs to the input's (per-generation) manager, never to the model's.
 */
public final class Ops {
  private Ops() {}

  /** {@code x @ wT (+ bias)}; x: (..., in), wT: (in, out), bias: (out) or null. */
  public static NDArray linear(NDArray x, NDArray wT, NDArray bias) {
    NDArray y = x.matMul(wT);
    return bias == null ? y : y.addi(bias);
  }

  /**
   * Llama RMSNorm over the last axis as HF computes it, {@code w * (x * rsqrt(mean(x^2) + eps))}:
   * DJL has no rsqrt, so the reciprocal of the root is taken on the (..., 1) column and then
   * multiplied in. Dividing x by the root instead rounds differently from HF in about a quarter of
   * the elements; the reciprocal agrees with torch's rsqrt in over 99%.
   */
  public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    // HF: statistics and the scaling in float32, rounded back to the input's type before the
    // weight multiplies (float32: no conversion at all)
    NDArray xf = as(x, DataType.FLOAT32);
    NDArray root = xf.square().mean(new int[] {-1}, true).addi(Scalars.of(eps)).sqrt();
    return as(xf.mul(root.onesLike().divi(root)), x.getDataType()).muli(weight);
  }

  /**
   * {@code x} as {@code type}: x itself when it already is (no native call), else a converted copy
   * (torch's {@code .to(dtype)}, round to nearest even).
   */
  public static NDArray as(NDArray x, DataType type) {
    return x.getDataType() == type ? x : x.toType(type, false);
  }

  /**
   * A freshly created {@code x} as {@code type}: x itself, or a converted copy with x closed (for
   * arrays built in float32 from Java data and handed out in the compute type).
   */
  public static NDArray into(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    try (x) {
      return x.toType(type, false);
    }
  }

  /**
   * LayerNorm over the last axis with biased variance: torch's own layer_norm kernel (one native
   * call).
   */
  public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
    long last = x.getShape().get(x.getShape().dimension() - 1);
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(last), weight, bias, (float) eps)
        .singletonOrThrow();
  }

  /**
   * Applies a named HF activation: gelu (erf), quick_gelu, gelu_pytorch_tanh / gelu_new, silu,
   * relu.
   */
  public static NDArray activation(NDArray x, String name) {
    switch (name) {
      case "gelu": // exact (erf) GELU, torch's kernel
        return x.getNDArrayInternal().gelu();
      case "quick_gelu": // the products in place: a fresh output costs more than the multiply on 2
        // cores
        return sigmoid(x.mul(Scalars.of(1.702f))).muli(x);
      case "gelu_pytorch_tanh":
      case "gelu_new":
        if (x.getDataType() != DataType.FLOAT32) { // torch's fused kernel rounds once
          return as(activation(as(x, DataType.FLOAT32), name), x.getDataType());
        }
        {
          NDArray inner =
              x.pow(Scalars.of(3f))
                  .muli(Scalars.of(0.044715f))
                  .addi(x)
                  .muli(Scalars.of((float) Math.sqrt(2.0 / Math.PI)));
          return inner.tanh().addi(Scalars.of(1f)).muli(x).muli(Scalars.of(0.5f));
        }
      case "silu": // torch's own kernel, as HF calls it (one pass; in half precision computed in
        // float32 and rounded once): sigmoid(x) * x rounds differently in the last bit and costs
        // two passes and a buffer. The result is an inference tensor: callers never update it in
        // place.
        return TorchAttention.silu(x);
      case "relu":
        return x.maximum(Scalars.of(0f));
      default:
        throw new IllegalArgumentException(
            "unsupported activation '"
                + name
                + "'; supported: gelu, quick_gelu, gelu_pytorch_tanh, gelu_new, silu, relu");
    }
  }

  /** Checks an activation name at load time. */
  public static void checkActivation(String name, String where) {
    switch (name) {
      case "gelu", "quick_gelu", "gelu_pytorch_tanh", "gelu_new", "silu", "relu" -> {}
      default ->
          throw new org.v2drop.core.checkpoint.CheckpointException(
              where
                  + ": unsupported activation '"
                  + name
                  + "'; supported: gelu, quick_gelu, gelu_pytorch_tanh, gelu_new, silu, relu");
    }
  }

  /** Logistic sigmoid (torch's kernel). */
  public static NDArray sigmoid(NDArray x) {
    return x.getNDArrayInternal().sigmoid();
  }
}

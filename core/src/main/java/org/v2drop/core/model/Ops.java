package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Small tensor functions shared by the vision tower and the decoder. The input always comes first, so every result
 * belongs to the input's (per-generation) manager, never to the model's.
 */
public final class Ops {
  private Ops() {}

  /** {@code x @ wT (+ bias)}; x: (..., in), wT: (in, out), bias: (out) or null. */
  public static NDArray linear(NDArray x, NDArray wT, NDArray bias) {
    NDArray y = x.matMul(wT);
    return bias == null ? y : y.addi(bias);
  }

  /** Llama RMSNorm: {@code w * x / sqrt(mean(x^2) + eps)} over the last axis. */
  public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.addi((float) eps).sqrt()).muli(weight);
  }

  /** LayerNorm over the last axis with biased variance: torch's own layer_norm kernel (one native call). */
  public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
    long last = x.getShape().get(x.getShape().dimension() - 1);
    return x.getNDArrayInternal().layerNorm(x, new Shape(last), weight, bias, (float) eps).singletonOrThrow();
  }

  /** Applies a named HF activation: gelu (erf), quick_gelu, gelu_pytorch_tanh / gelu_new, silu, relu. */
  public static NDArray activation(NDArray x, String name) {
    switch (name) {
      case "gelu": // exact (erf) GELU, torch's kernel
        return x.getNDArrayInternal().gelu();
      case "quick_gelu": // the products in place: a fresh output costs more than the multiply on 2 cores
        return sigmoid(x.mul(1.702f)).muli(x);
      case "gelu_pytorch_tanh":
      case "gelu_new": {
        NDArray inner = x.pow(3).muli(0.044715f).addi(x).muli((float) Math.sqrt(2.0 / Math.PI));
        return inner.tanh().addi(1f).muli(x).muli(0.5f);
      }
      case "silu": // sigmoid(x) * x == x * sigmoid(x) exactly; multiplying in place saves an allocation
        return sigmoid(x).muli(x);
      case "relu":
        return x.maximum(0f);
      default:
        throw new IllegalArgumentException("unsupported activation '" + name
            + "'; supported: gelu, quick_gelu, gelu_pytorch_tanh, gelu_new, silu, relu");
    }
  }

  /** Checks an activation name at load time. */
  public static void checkActivation(String name, String where) {
    switch (name) {
      case "gelu", "quick_gelu", "gelu_pytorch_tanh", "gelu_new", "silu", "relu" -> { }
      default -> throw new org.v2drop.core.checkpoint.CheckpointException(where + ": unsupported activation '" + name
          + "'; supported: gelu, quick_gelu, gelu_pytorch_tanh, gelu_new, silu, relu");
    }
  }

  /** Logistic sigmoid (torch's kernel). */
  public static NDArray sigmoid(NDArray x) {
    return x.getNDArrayInternal().sigmoid();
  }
}

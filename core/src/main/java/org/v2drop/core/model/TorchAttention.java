package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Torch's fused {@code scaled_dot_product_attention}, the kernel HF's default ("sdpa") attention
 * calls. DJL 0.36 has no such op but runs TorchScript methods, so a parameter-free TorchScript
 * module ({@code sdpa.pt}, written by {@code tools/make_sdpa_module.py}) forwards to it. The kernel
 * never materialises the (queries, keys) score matrix and skips the masked half of a causal
 * prefill: at 641 tokens it took about half the time of the same computation in separate DJL ops,
 * at 4,673 tokens two thirds.
 *
 * <p>All tensors are (batch, heads, tokens, headDim) with as many key/value heads as query heads;
 * the result is (batch, heads, queries, headDim) and belongs to {@code q}'s manager. DJL runs
 * TorchScript methods in torch's inference mode, so the result is an inference tensor: never update
 * it, or a view of it, in place (torch refuses); any op that makes a new tensor from it is fine.
 * The module is loaded once per JVM and is safe to call from several threads (TorchScript methods
 * hold no state).
 */
public final class TorchAttention {
  static final String RESOURCE = "sdpa.pt";

  private TorchAttention() {}

  /** Query i sees keys 0..i (a prefill with nothing cached: as many queries as keys). */
  static NDArray causal(NDArray q, NDArray k, NDArray v, double scale) {
    return run("causal", scale, q, k, v);
  }

  /** Every query sees every key (one decode query; an encoder). */
  public static NDArray full(NDArray q, NDArray k, NDArray v, double scale) {
    return run("full", scale, q, k, v);
  }

  /** An additive float mask (0 or -inf) broadcastable to (batch, heads, queries, keys). */
  public static NDArray masked(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
    return run("masked", scale, q, k, v, mask);
  }

  /**
   * Torch's SiLU kernel ({@code F.silu}, HF's {@code ACT2FN["silu"]}): one pass; in half precision
   * computed in float32 and rounded once. DJL's JNI has no SiLU.
   */
  public static NDArray silu(NDArray x) {
    if (!(x.getManager() instanceof PtNDManager manager)) {
      throw new IllegalStateException(
          "silu needs PyTorch-engine arrays, found " + x.getManager().getEngine().getEngineName());
    }
    try (IValue in = IValue.from((PtNDArray) x);
        IValue out = IValueUtils.runMethod(Module.INSTANCE, "silu", in)) {
      return out.toTensor(manager);
    }
  }

  private static NDArray run(String method, double scale, NDArray... tensors) {
    if (!(tensors[0].getManager() instanceof PtNDManager manager)) {
      throw new IllegalStateException(
          "fused attention needs PyTorch-engine arrays, found "
              + tensors[0].getManager().getEngine().getEngineName());
    }
    IValue[] args = new IValue[tensors.length + 1];
    try {
      for (int i = 0; i < tensors.length; i++) {
        args[i] = IValue.from((PtNDArray) tensors[i]);
      }
      args[tensors.length] = IValue.from(scale);
      try (IValue out = IValueUtils.runMethod(Module.INSTANCE, method, args)) {
        return out.toTensor(manager);
      }
    } finally {
      for (IValue arg : args) {
        if (arg != null) {
          arg.close();
        }
      }
    }
  }

  /** The module, loaded on first use (holder idiom) in a manager that lives as long as the JVM. */
  private static final class Module {
    static final PtSymbolBlock INSTANCE =
        load(RESOURCE, (PtNDManager) NDManager.newBaseManager("PyTorch"));
  }

  /**
   * A TorchScript module shipped next to this class, loaded into {@code manager} (one that lives as
   * long as the JVM).
   */
  static PtSymbolBlock load(String resource, PtNDManager manager) {
    try (InputStream in = TorchAttention.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the core jar");
      }
      return JniUtils.loadModule(manager, in, false, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + resource, e);
    }
  }
}

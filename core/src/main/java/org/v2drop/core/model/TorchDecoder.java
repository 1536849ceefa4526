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
 * A whole Llama decoder layer as one TorchScript call ({@code decoder.pt}, written by {@code
 * tools/make_decoder_module.py}): the ops of {@link DecoderLayer#forward}, in its order, so a layer
 * costs one call into PyTorch instead of dozens of DJL calls (each crossing JNI and allocating a
 * Java array). The readable layer stays the definition; FusedDecoderIT holds the two equal.
 *
 * <p>The weights go in as one list built once per layer ({@link #weights}); the KV cache buffers
 * stay the caller's ({@link KvCache}), written in place by the call. The result belongs to {@code
 * x}'s manager and is an inference tensor (never update it in place, see {@link TorchAttention}).
 */
final class TorchDecoder {
  static final String RESOURCE = "decoder.pt";

  /** An empty tensor: "no key mask" (DJL cannot pass None). */
  private static final NDArray NO_MASK = noMask();

  private static NDArray noMask() {
    NDArray empty = Module.MANAGER.create(new float[0], new ai.djl.ndarray.types.Shape(0));
    ai.djl.ndarray.NDScope.unregister(empty); // made in some caller's scope, kept for the JVM
    return empty;
  }

  private TorchDecoder() {}

  /** The per-layer constants of a call: weights, dims and epsilon as TorchScript values. */
  static final class Constants implements AutoCloseable {
    private final IValue weights;
    private final IValue dims;
    private final IValue eps;

    Constants(DecoderWeights.Layer w, int heads, int kvHeads, int headDim, float eps) {
      this.weights =
          IValue.listFrom(
              pt(w.inputNorm()),
              pt(w.qkvT()),
              pt(w.oT()),
              pt(w.postNorm()),
              pt(w.gateT()),
              pt(w.upT()),
              pt(w.downT()));
      this.dims = IValue.listFrom(heads, kvHeads, headDim);
      this.eps = IValue.from((double) eps);
    }

    @Override
    public void close() {
      weights.close();
      dims.close();
      eps.close();
    }
  }

  /**
   * Runs the layer on {@code x} (batch, n, hidden), writing the tokens' keys and values at columns
   * [length, length + n) of {@code keys}/{@code values}.
   *
   * @param keyMask (batch, 1, 1, >= length + n) additive padding mask, or null
   */
  static NDArray layer(
      Constants c,
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray keyMask,
      NDArray keys,
      NDArray values,
      long length) {
    if (!(x.getManager() instanceof PtNDManager manager)) {
      throw new IllegalStateException(
          "the fused decoder needs PyTorch-engine arrays, found "
              + x.getManager().getEngine().getEngineName());
    }
    try (IValue in = IValue.from(pt(x));
        IValue step = IValue.listFrom(pt(cos), pt(sin), pt(keyMask == null ? NO_MASK : keyMask));
        IValue kv = IValue.listFrom(pt(keys), pt(values));
        IValue len = IValue.from(length);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE, "layer", in, c.weights, step, kv, len, c.dims, c.eps)) {
      return out.toTensor(manager);
    }
  }

  private static PtNDArray pt(NDArray a) {
    return (PtNDArray) a;
  }

  /** The module, loaded on first use in a manager that lives as long as the JVM. */
  private static final class Module {
    static final PtNDManager MANAGER = (PtNDManager) NDManager.newBaseManager("PyTorch");
    static final PtSymbolBlock INSTANCE = load();

    private static PtSymbolBlock load() {
      try (InputStream in = TorchDecoder.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + RESOURCE + " is missing from the core jar");
        }
        return JniUtils.loadModule(MANAGER, in, false, false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
      }
    }
  }
}

package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * A whole Llama decoder layer as one TorchScript call ({@code decoder.pt}, written by {@code
 * tools/make_decoder_module.py}): the ops of {@link DecoderLayer#forward}, in its order, so a layer
 * costs one call into PyTorch instead of dozens of DJL calls (each crossing JNI and allocating a
 * Java array). The readable layer stays the definition; FusedDecoderIT holds the two equal.
 *
 * <p>The weights go in as one list built once per model ({@link Stack}); the KV cache buffers stay
 * the caller's ({@link KvCache}), written in place by the call. The result belongs to {@code x}'s
 * manager and is an inference tensor (never update it in place, see {@link TorchAttention}).
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

  /**
   * Runs layer {@code index} of {@code s} on {@code x} (batch, n, hidden), writing the tokens' keys
   * and values at columns [length, length + n) of {@code keys}/{@code values}.
   *
   * @param keyMask (batch, 1, 1, >= length + n) additive padding mask, or null
   */
  static NDArray layer(
      Stack s,
      int index,
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
        IValue at = IValue.from(index);
        IValue step = IValue.listFrom(pt(cos), pt(sin), pt(keyMask == null ? NO_MASK : keyMask));
        IValue kv = IValue.listFrom(pt(keys), pt(values));
        IValue len = IValue.from(length);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE, "layer_at", in, s.weights, at, step, kv, len, s.dims, s.eps)) {
      return out.toTensor(manager);
    }
  }

  /**
   * Every layer's weights in one list, and the embedding and LM head: for {@link #layer} and {@link
   * #decodeToken}.
   */
  static final class Stack implements AutoCloseable {
    private final IValue head;
    private final IValue weights;
    private final IValue dims;
    private final IValue eps;
    private final int layers;

    Stack(DecoderWeights w, int heads, int kvHeads, int headDim, float eps) {
      PtNDArray[] all = new PtNDArray[7 * w.layers().size()];
      int i = 0;
      for (DecoderWeights.Layer l : w.layers()) {
        for (NDArray a :
            new NDArray[] {
              l.inputNorm(), l.qkvT(), l.oT(), l.postNorm(), l.gateT(), l.upT(), l.downT()
            }) {
          all[i++] = pt(a);
        }
      }
      this.head = IValue.listFrom(pt(w.embedTokens()), pt(w.finalNorm()), pt(w.lmHeadT()));
      this.weights = IValue.listFrom(all);
      this.dims = IValue.listFrom(heads, kvHeads, headDim);
      this.eps = IValue.from((double) eps);
      this.layers = w.layers().size();
    }

    @Override
    public void close() {
      head.close();
      weights.close();
      dims.close();
      eps.close();
    }
  }

  /**
   * What stays the same over a generation's decode steps: each layer's KV buffers and key mask, and
   * the RoPE tables. Rebuilt only when a cache grows.
   */
  static final class Fixed implements AutoCloseable {
    private final NDArray[] buffers;
    private final IValue kv;
    private final IValue masks;
    private final IValue tables;

    Fixed(KvCache[] caches, NDArray[] keyMasks, NDArray cosTable, NDArray sinTable) {
      buffers = new NDArray[2 * caches.length];
      PtNDArray[] m = new PtNDArray[caches.length];
      for (int l = 0; l < caches.length; l++) {
        buffers[2 * l] = caches[l].keyBuffer();
        buffers[2 * l + 1] = caches[l].valueBuffer();
        m[l] = pt(keyMasks[l] == null ? NO_MASK : keyMasks[l]);
      }
      PtNDArray[] b = new PtNDArray[buffers.length];
      for (int i = 0; i < b.length; i++) {
        b[i] = pt(buffers[i]);
      }
      kv = IValue.listFrom(b);
      masks = IValue.listFrom(m);
      tables = IValue.listFrom(pt(cosTable), pt(sinTable));
    }

    /** Whether these are still the caches' buffers. */
    boolean current(KvCache[] caches) {
      for (int l = 0; l < caches.length; l++) {
        if (buffers[2 * l] != caches[l].keyBuffer()
            || buffers[2 * l + 1] != caches[l].valueBuffer()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      kv.close();
      masks.close();
      tables.close();
    }
  }

  /**
   * A whole greedy decode step: the embeddings of {@code ids} (one token per sequence), every layer
   * (each sequence at {@code positions[l * batch + s]} in layer l, its new key/value written at
   * column {@code lengths[l]}), the final norm, the LM head widened to float32 and argmax; returns
   * the next ids.
   */
  static long[] decodeToken(Stack s, Fixed f, long[] ids, long[] positions, long[] lengths) {
    if (lengths.length != s.layers || positions.length != (long) s.layers * ids.length) {
      throw new IllegalArgumentException(
          s.layers
              + " layers, "
              + lengths.length
              + " lengths, "
              + positions.length
              + " positions for "
              + ids.length
              + " sequences");
    }
    try (IValue in = IValue.listFrom(ids);
        IValue pos = IValue.listFrom(positions);
        IValue lens = IValue.listFrom(lengths);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE,
                "decode_token",
                in,
                s.head,
                s.weights,
                f.tables,
                pos,
                f.kv,
                lens,
                f.masks,
                s.dims,
                s.eps)) {
      return out.toLongArray();
    }
  }

  private static PtNDArray pt(NDArray a) {
    return (PtNDArray) a;
  }

  /** The module, loaded on first use in a manager that lives as long as the JVM. */
  private static final class Module {
    static final PtNDManager MANAGER = (PtNDManager) NDManager.newBaseManager("PyTorch");
    static final PtSymbolBlock INSTANCE = TorchAttention.load(RESOURCE, MANAGER);
  }
}

package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * A whole Llama-style decoder layer (Llama, or Qwen2 with q/k/v biases) as one TorchScript call
 * ({@code decoder.pt}, written by {@code tools/make_decoder_module.py}): the ops of {@link
 * DecoderLayer#forward}, in its order, so a layer costs one call into PyTorch instead of dozens of
 * DJL calls (each crossing JNI and allocating a Java array). The readable layer stays the
 * definition; FusedDecoderIT holds the two equal.
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
   * Prefill layers {@code first} .. {@code first + count - 1} of {@code s} (the layers between two
   * drops) with the drop step before them: their input is {@code h} itself, or the rows {@code
   * gather} picks; their RoPE rows are the tables' rows of {@code positions}; each layer's KV
   * buffers of {@code capacity} columns are allocated by the call, its tokens' keys and values
   * written at columns [0, n).
   *
   * @param h (batch, stride, hidden) the previous layer's output
   * @param gather (batch * rows) row ids {@code s * stride + r} into h, or empty: take h as is
   * @param positions (batch * rows) the input rows' position ids, or under M-RoPE (3 * batch *
   *     rows) one block per position-id row, as built by {@link #longs}
   * @param tables {cos, signed sin} (positions, headDim), and under M-RoPE each column's
   *     position-id row (headDim), as built by {@link #tensors}
   * @param variation whether to return the next drop boundary's variation too
   * @param lastRows row ids {@code s * rows + r} of the output to run the final norm and LM head
   *     on, or empty
   * @return {out (batch, rows, hidden), the last layer's input x, keys_0, values_0, ...} then, when
   *     asked, {@code ||out - x||} over the hidden axis in float32 (batch, rows), then the logits
   *     of lastRows (float32)
   */
  static NDArray[] prefillLayers(
      Stack s,
      int first,
      int count,
      long capacity,
      NDArray h,
      long[] gather,
      IValue positions,
      IValue tables,
      boolean variation,
      long[] lastRows) {
    if (!(h.getManager() instanceof PtNDManager manager)) {
      throw new IllegalStateException(
          "the fused decoder needs PyTorch-engine arrays, found "
              + h.getManager().getEngine().getEngineName());
    }
    try (IValue in = IValue.from(pt(h));
        IValue rows = gather.length == 0 ? null : IValue.listFrom(gather);
        IValue n = IValue.from(count);
        IValue cap = IValue.from(capacity);
        IValue last = lastRows.length == 0 ? null : IValue.listFrom(lastRows);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE,
                "prefill_layers",
                in,
                rows == null ? Constants.NO_ROWS : rows,
                positions,
                tables,
                s.weights,
                s.indexes[first],
                n,
                cap,
                s.dims,
                s.eps,
                variation ? Constants.TRUE : Constants.FALSE,
                last == null ? Constants.NO_ROWS : last,
                s.head)) {
      return out.toTensorArray(manager);
    }
  }

  /**
   * One prompt's input embeddings: rows {@code order[i]} of (embeddings of ids ++ features).
   *
   * @param features (vision tokens, hidden), or null
   * @return (tokens, hidden), owned by {@code m}
   */
  static NDArray embedPrompt(Stack s, NDManager m, long[] ids, NDArray features, long[] order) {
    try (IValue in = IValue.listFrom(ids);
        IValue f = IValue.from(pt(features == null ? NO_MASK : features));
        IValue o = IValue.listFrom(order);
        IValue out = IValueUtils.runMethod(Module.INSTANCE, "embed_prompt", in, s.head, f, o)) {
      return out.toTensor((PtNDManager) m);
    }
  }

  /** A list of ints for a call (positions that several calls share); close it after the last. */
  static IValue longs(long[] values) {
    return IValue.listFrom(values);
  }

  /** A list of tensors for a call (RoPE tables that several calls share); close it after. */
  static IValue tensors(NDArray... arrays) {
    PtNDArray[] p = new PtNDArray[arrays.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = pt(arrays[i]);
    }
    return IValue.listFrom(p);
  }

  /**
   * Every layer's weights in one list, and the embedding and LM head: for {@link #prefillLayers},
   * {@link #embedPrompt} and {@link #decodeToken}.
   */
  static final class Stack implements AutoCloseable {
    private final IValue head;
    private final IValue weights;
    private final IValue dims;
    private final IValue eps;
    private final IValue[] indexes; // each layer's index, for the calls
    private final int layers;

    Stack(DecoderWeights w, int heads, int kvHeads, int headDim, int slidingWindow, float eps) {
      PtNDArray[] all = new PtNDArray[8 * w.layers().size()];
      int i = 0;
      for (DecoderWeights.Layer l : w.layers()) {
        for (NDArray a :
            new NDArray[] {
              l.inputNorm(),
              l.qkvT(),
              l.qkvBias() == null ? NO_MASK : l.qkvBias(), // empty: no bias
              l.oT(),
              l.postNorm(),
              l.gateT(),
              l.upT(),
              l.downT()
            }) {
          all[i++] = pt(a);
        }
      }
      this.head = IValue.listFrom(pt(w.embedTokens()), pt(w.finalNorm()), pt(w.lmHeadT()));
      this.weights = IValue.listFrom(all);
      this.dims = IValue.listFrom(heads, kvHeads, headDim, slidingWindow);
      this.eps = IValue.from((double) eps);
      this.layers = w.layers().size();
      this.indexes = new IValue[layers];
      for (int l = 0; l < layers; l++) {
        indexes[l] = IValue.from(l);
      }
    }

    @Override
    public void close() {
      head.close();
      weights.close();
      dims.close();
      eps.close();
      for (IValue i : indexes) {
        i.close();
      }
    }
  }

  /**
   * What stays the same over a generation's decode steps: each layer's KV buffers and key mask.
   * Rebuilt only when a cache grows.
   */
  static final class Fixed implements AutoCloseable {
    private final NDArray[] buffers;
    private final IValue kv;
    private final IValue masks;

    Fixed(KvCache[] caches, NDArray[] keyMasks) {
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
    }
  }

  /**
   * A whole greedy decode step: the embeddings of {@code ids} (one token per sequence), every layer
   * (each sequence at {@code positions[l * batch + s]} in layer l, its new key/value written at
   * column {@code lengths[l]}), the final norm, the LM head widened to float32 and argmax; returns
   * the next ids. {@code tables} are the RoPE tables {cos, signed sin} (positions, headDim) ({@link
   * #tensors}); {@code cuts} empty, or under a sliding window {a, p, e} per layer and sequence
   * (layer-major): the sequence's key columns [0, a) and [p, e) are outside its window.
   */
  static long[] decodeToken(
      Stack s, Fixed f, IValue tables, long[] ids, long[] positions, long[] lengths, long[] cuts) {
    if (lengths.length != s.layers
        || positions.length != (long) s.layers * ids.length
        || (cuts.length != 0 && cuts.length != 3L * s.layers * ids.length)) {
      throw new IllegalArgumentException(
          s.layers
              + " layers, "
              + lengths.length
              + " lengths, "
              + positions.length
              + " positions, "
              + cuts.length
              + " window cuts for "
              + ids.length
              + " sequences");
    }
    try (IValue in = IValue.listFrom(ids);
        IValue pos = IValue.listFrom(positions);
        IValue lens = IValue.listFrom(lengths);
        IValue cut = cuts.length == 0 ? null : IValue.listFrom(cuts);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE,
                "decode_token",
                in,
                s.head,
                s.weights,
                tables,
                pos,
                f.kv,
                lens,
                f.masks,
                cut == null ? Constants.NO_ROWS : cut,
                s.dims,
                s.eps)) {
      return out.toLongArray();
    }
  }

  private static PtNDArray pt(NDArray a) {
    return (PtNDArray) a;
  }

  /**
   * Arguments that never change, made once per JVM (each IValue made and freed costs two calls).
   */
  private static final class Constants {
    static final IValue NO_ROWS = IValue.listFrom(new long[0]);
    static final IValue TRUE = IValue.from(true);
    static final IValue FALSE = IValue.from(false);
  }

  /** The module, loaded on first use in a manager that lives as long as the JVM. */
  private static final class Module {
    static final PtNDManager MANAGER = (PtNDManager) NDManager.newBaseManager("PyTorch");
    static final PtSymbolBlock INSTANCE = TorchAttention.load(RESOURCE, MANAGER);
  }
}

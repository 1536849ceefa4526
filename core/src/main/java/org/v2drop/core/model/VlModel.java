package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.processor.EncodedInput;

/**
 * A loaded vision-language model: a family's vision encoder ({@link VisionEncoder}), the
 * Llama-style decoder (Llama, or Qwen2 with q/k/v biases; 1-D RoPE or M-RoPE) and LM head, with its
 * weights in one NDManager. Generations use sub-managers of {@link #newGenerationManager()};
 * nothing of a sample attaches to the model's.
 */
public final class VlModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VlModel.class);

  private final TextConfig text;
  private final Set<Integer> eosTokenIds;
  private final int[] mropeSection; // null: 1-D RoPE
  private final ComputeDType dtype;
  private final NDManager manager;
  private final VisionEncoder vision;
  private final DecoderWeights decoder;
  private final List<DecoderLayer> layers;
  private final List<String> unusedTensors;

  /**
   * A model of {@code decoder} and {@code vision}, whose weights live in {@code manager} (closed
   * with the model).
   *
   * @param mropeSection M-RoPE's chunk widths over the half head dimension, or null for 1-D RoPE
   * @param unusedTensors checkpoint keys no part read (logged)
   */
  public VlModel(
      Path dir,
      TextConfig text,
      Set<Integer> eosTokenIds,
      int[] mropeSection,
      ComputeDType dtype,
      NDManager manager,
      VisionEncoder vision,
      DecoderWeights decoder,
      List<String> unusedTensors) {
    this.text = text;
    this.eosTokenIds = Set.copyOf(eosTokenIds);
    this.mropeSection = mropeSection == null ? null : mropeSection.clone();
    this.dtype = dtype;
    this.manager = manager;
    this.vision = vision;
    this.decoder = decoder;
    List<DecoderLayer> ls = new ArrayList<>();
    for (DecoderWeights.Layer l : decoder.layers()) {
      ls.add(new DecoderLayer(text, l));
    }
    this.layers = List.copyOf(ls);
    this.unusedTensors = List.copyOf(unusedTensors);
    if (!unusedTensors.isEmpty()) {
      LOG.info(
          "{}: {} checkpoint tensors not used by the model: {}",
          dir,
          unusedTensors.size(),
          unusedTensors.size() > 8 ? unusedTensors.subList(0, 8) + " ..." : unusedTensors);
    }
  }

  /** The decoder's configuration. */
  public TextConfig text() {
    return text;
  }

  /** Token ids that end a generation. */
  public Set<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** The RoPE inverse frequencies of the decoder: (headDim / 2). */
  public float[] ropeFrequencies() {
    return Rope.inverseFrequencies(text.rope(), text.headDim());
  }

  /** Each frequency's position-id row under M-RoPE ({@link Rope#mropeRows}), or null (1-D). */
  public int[] mropeRows() {
    return mropeSection == null ? null : Rope.mropeRows(mropeSection, text.headDim() / 2);
  }

  /**
   * Whether the decoder can run as the fused TorchScript calls ({@link #prefillLayers}, {@link
   * #decodeToken}): every decoder this class loads can (Llama or Qwen2, 1-D RoPE or M-RoPE).
   */
  public boolean supportsFused() {
    return true;
  }

  /** The type of the weights and of every activation. */
  public ComputeDType dtype() {
    return dtype;
  }

  public List<DecoderLayer> layers() {
    return layers;
  }

  /** The vision side. */
  public VisionEncoder vision() {
    return vision;
  }

  public List<String> unusedTensors() {
    return unusedTensors;
  }

  /** A manager for one generation's arrays; close it when the generation ends. */
  public NDManager newGenerationManager() {
    return manager.newSubManager();
  }

  /** Arrays attached to the model's manager (weights only, when no generation leaks). */
  public int liveModelArrays() {
    return manager.getManagedArrays().size();
  }

  /**
   * Each input's vision features ({@link VisionEncoder#features}).
   *
   * @return per input (vision tokens, textHidden), or null for an input without images
   */
  public NDArray[] imageFeatures(NDManager m, List<EncodedInput> inputs, boolean fused) {
    return vision.features(m, inputs, fused);
  }

  /**
   * One prompt's input embeddings: the text embeddings with the image features written into the
   * vision positions, in order (HF's masked_scatter); one TorchScript call when {@code fused}, the
   * same result. Closes {@code features}.
   *
   * @param features (vision tokens, textHidden), or null when the prompt has no images
   * @return (tokens, textHidden), owned by {@code m}
   */
  public NDArray inputEmbeddings(NDManager m, EncodedInput input, NDArray features, boolean fused) {
    long[] vision = input.visionPositions();
    long expected = features == null ? 0 : features.getShape().get(0);
    if (vision.length != expected) {
      if (features != null) {
        features.close();
      }
      throw new IllegalArgumentException(
          "vision tokens and vision features do not match: the prompt holds "
              + vision.length
              + " vision tokens but its images give "
              + expected
              + " features");
    }
    long[] ids = input.inputIds();
    // row i of (text ++ features) for each position: text rows stay, vision positions take the
    // features in order
    long[] perm = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < vision.length; k++) {
      perm[(int) vision[k]] = ids.length + k;
    }
    if (fused) {
      try (features) {
        return TorchDecoder.embedPrompt(stack(), m, ids, features, perm);
      }
    }
    NDArray tokens = embed(m, ids); // (tokens, textHidden)
    if (features == null) {
      return tokens;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray merged =
          tokens.concat(features, 0).get(new NDIndex("{}", m.create(perm))); // (tokens, textHidden)
      NDScope.unregister(merged);
      tokens.close();
      features.close();
      return merged;
    }
  }

  /** Token embeddings, owned by {@code m}: ids (n) → (n, hidden). */
  public NDArray embed(NDManager m, long[] ids) {
    return decoder.embedTokens().get(m, new NDIndex("{}", m.create(ids)));
  }

  /**
   * Final RMSNorm and LM head on the given rows: (n, hidden) → (n, vocab) float32 (the head runs in
   * the compute dtype; its result is widened for ranking, as HF's generate does).
   */
  public NDArray logits(NDArray hidden) {
    return Ops.as(
        Ops.rmsNorm(hidden, decoder.finalNorm(), (float) text.rmsNormEps())
            .matMul(decoder.lmHeadT()),
        DataType.FLOAT32);
  }

  private volatile TorchDecoder.Stack stack; // every layer's weights for the fused calls

  /**
   * Prefill decoder layers {@code first} .. {@code first + caches.length - 1} (the layers between
   * two drops; {@link DecoderLayer#forward} each) as one TorchScript call ({@link
   * TorchDecoder#prefillLayers}), the drop step before them folded in, and after the last layer the
   * first tokens' logits: the same ops in the same order, equal results (FusedDecoderIT).
   *
   * @param h (b, stride, hidden) the previous layer's output (or the embeddings)
   * @param gather (b * rows) row ids {@code s * stride + r} into h that each sequence keeps, or
   *     null to take h as is
   * @param positions (b * rows) the position ids of the input's rows, under M-RoPE (3 * b * rows)
   *     one block per position-id row, or null when they are those of the previous call (no drop
   *     since)
   * @param caches the layers' caches, in order, empty: they take the buffers the call allocates
   * @param variation whether to return the next drop boundary's variation too
   * @param lastRows row ids {@code s * rows + r} of the output whose logits to return, or null
   */
  public Prefill prefillLayers(
      int first,
      NDArray h,
      long[] gather,
      long[] positions,
      KvCache[] caches,
      boolean variation,
      long[] lastRows,
      FusedState state) {
    long b = h.getShape().get(0);
    long n = gather == null ? h.getShape().get(1) : gather.length / b;
    NDArray[] out =
        TorchDecoder.prefillLayers(
            stack(),
            first,
            caches.length,
            caches[0].capacity(n),
            h,
            gather == null ? new long[0] : gather,
            state.positions(positions),
            state.tables,
            variation,
            lastRows == null ? new long[0] : lastRows);
    for (int i = 0; i < caches.length; i++) {
      caches[i].adopt(out[2 + 2 * i], out[3 + 2 * i], n);
    }
    int next = 2 + 2 * caches.length;
    NDArray var = variation ? out[next++] : null;
    NDArray logits = lastRows != null ? out[next] : null;
    return new Prefill(out[0], out[1], var, logits);
  }

  /**
   * What a fused prefill call returns besides the caches' buffers.
   *
   * @param out (b, rows, hidden) the last layer's output
   * @param input (b, rows, hidden) the last layer's input
   * @param variation (b, rows) {@code ||out - input||_2} in float32, or null
   * @param logits (last rows, vocab) float32, or null
   */
  public record Prefill(NDArray out, NDArray input, NDArray variation, NDArray logits) {}

  /**
   * One greedy decode step as one TorchScript call ({@link TorchDecoder#decodeToken}): the tokens'
   * embeddings, every decoder layer (each writing its new key/value into its cache), the final
   * norm, the LM head and argmax; the same results as {@link #embed}, {@link DecoderLayer#forward}
   * layer after layer and {@link #logits} (FusedDecoderIT).
   *
   * @param ids each sequence's current token (batch)
   * @param positions each layer's position id of each sequence: (layers * batch), layer-major
   * @param state the generation's fused state, its key masks set ({@link FusedState#keyMasks})
   * @param cuts empty, or under a sliding window {a, p, e} per layer and sequence (layer-major):
   *     the sequence's key columns [0, a) and [p, e) are outside its window ({@link
   *     org.v2drop.core.generate.Generator} knows where each sequence's columns are)
   * @return each sequence's next token
   */
  public long[] decodeToken(
      long[] ids, long[] positions, KvCache[] caches, FusedState state, long[] cuts) {
    var t = text;
    long[] lengths = new long[caches.length];
    for (int l = 0; l < caches.length; l++) {
      caches[l].reserve(
          state.manager, ids.length, t.numKeyValueHeads(), t.headDim(), dtype.dataType(), 1);
      lengths[l] = caches[l].length();
    }
    long[] next =
        TorchDecoder.decodeToken(
            stack(), state.fixed(caches), state.tables, ids, positions, lengths, cuts);
    for (KvCache c : caches) {
      c.advance(1);
    }
    return next;
  }

  /**
   * The inputs of a generation's fused calls that change rarely or never: the RoPE tables of every
   * position id it reaches (engine-computed, indexed in the calls), the current prefill segment's
   * position ids (they change only at a drop), and for decoding each layer's KV buffers and padding
   * mask. Close it at the generation's end ({@link #newFusedState}).
   */
  public static final class FusedState implements AutoCloseable {
    private final NDManager manager;
    private final IValue tables;
    private IValue positions;
    private NDArray[] keyMasks;
    private TorchDecoder.Fixed fixed;

    private FusedState(NDManager manager, IValue tables) {
      this.manager = manager;
      this.tables = tables;
    }

    /** Each layer's (batch, 1, 1, >= cached + steps) padding mask, or null: set before decoding. */
    public void keyMasks(NDArray[] masks) {
      this.keyMasks = masks;
    }

    private IValue positions(long[] ids) {
      if (ids != null) {
        if (positions != null) {
          positions.close();
        }
        positions = TorchDecoder.longs(ids);
      } else if (positions == null) {
        throw new IllegalStateException("the first prefill layer needs its position ids");
      }
      return positions;
    }

    TorchDecoder.Fixed fixed(KvCache[] caches) {
      if (keyMasks == null) {
        throw new IllegalStateException("decoding needs the key masks (FusedState.keyMasks)");
      }
      if (fixed == null || !fixed.current(caches)) {
        closeFixed();
        fixed = new TorchDecoder.Fixed(caches, keyMasks);
      }
      return fixed;
    }

    private void closeFixed() {
      if (fixed != null) {
        fixed.close();
        fixed = null;
      }
    }

    @Override
    public void close() {
      closeFixed();
      if (positions != null) {
        positions.close();
        positions = null;
      }
    }
  }

  /**
   * A generation's fused state ({@link FusedState}) for position ids below {@code reach}, its
   * arrays in {@code m}.
   */
  public FusedState newFusedState(NDManager m, long reach) {
    return new FusedState(m, ropeTable(reach).list);
  }

  /**
   * cos and signed sin ({@link Rope#cosSin}) of positions [0, positions) as (positions, headDim) in
   * the compute type, as a call argument (the arrays themselves belong to the model's manager).
   */
  private record RopeTable(long positions, IValue list) {}

  private final List<RopeTable> ropeTables = new ArrayList<>(); // the last is the largest

  /**
   * A RoPE table covering positions [0, reach), shared by the model's generations: built once and
   * doubled when a longer sequence comes (earlier tables stay alive for generations that hold them;
   * all are freed with the model). Position ids are integers, so a row is the same in every table,
   * and equal to {@link Rope#cosSin} of that position converted to the compute type, as the
   * readable layers' tables are.
   */
  private synchronized RopeTable ropeTable(long reach) {
    RopeTable last = ropeTables.isEmpty() ? null : ropeTables.get(ropeTables.size() - 1);
    if (last != null && last.positions >= reach) {
      return last;
    }
    long n = Math.max(reach, last == null ? 1024 : 2 * last.positions);
    if (n > Integer.MAX_VALUE / text.headDim()) {
      throw new IllegalArgumentException("position id " + reach + " is too large for a RoPE table");
    }
    long[] ids = new long[(int) n];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    var t = text;
    float[][] cs = Rope.cosSin(Rope.inverseFrequencies(t.rope(), t.headDim()), ids);
    Shape shape = new Shape(n, t.headDim());
    NDArray cos = Ops.into(manager.create(cs[0], shape), dtype.dataType());
    NDArray sin = Ops.into(manager.create(cs[1], shape), dtype.dataType());
    NDScope.unregister(cos, sin); // the model's, whatever scope the first generation opened
    int[] rowOf = mropeRows();
    RopeTable table;
    if (rowOf == null) {
      table = new RopeTable(n, TorchDecoder.tensors(cos, sin));
    } else { // each column's position-id row: frequency j and j + half take rowOf[j]
      long[] columns = new long[t.headDim()];
      for (int j = 0; j < rowOf.length; j++) {
        columns[j] = rowOf[j];
        columns[j + rowOf.length] = rowOf[j];
      }
      NDArray rows = manager.create(columns);
      NDScope.unregister(rows);
      table = new RopeTable(n, TorchDecoder.tensors(cos, sin, rows));
    }
    ropeTables.add(table);
    return table;
  }

  private TorchDecoder.Stack stack() {
    TorchDecoder.Stack s = stack;
    if (s == null) {
      synchronized (this) {
        if (stack == null) {
          var t = text;
          stack =
              new TorchDecoder.Stack(
                  decoder,
                  t.numAttentionHeads(),
                  t.numKeyValueHeads(),
                  t.headDim(),
                  t.slidingWindow(),
                  (float) t.rmsNormEps());
        }
        s = stack;
      }
    }
    return s;
  }

  @Override
  public void close() {
    if (stack != null) {
      stack.close();
    }
    vision.close();
    for (RopeTable t : ropeTables) {
      t.list.close();
    }
    manager.close();
  }
}

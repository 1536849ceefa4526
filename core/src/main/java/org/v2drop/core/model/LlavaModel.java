package org.v2drop.core.model;

import ai.djl.Device;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.processor.EncodedInput;

/**
 * A loaded LLaVA model: vision tower, projector, Llama decoder and LM head, with its weights in one
 * NDManager. Generations use sub-managers of {@link #newGenerationManager()}; nothing of a sample
 * attaches to the model's.
 */
public final class LlavaModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LlavaModel.class);

  private final LlavaConfig config;
  private final ComputeDType dtype;
  private final NDManager manager;
  private final VisionTower vision;
  private final Projector projector;
  private final DecoderWeights decoder;
  private final List<DecoderLayer> layers;
  private final List<String> unusedTensors;
  private final TorchVision.Tower tower; // the tower's and projector's weights for the fused call

  private LlavaModel(
      LlavaConfig config, ComputeDType dtype, NDManager manager, LlavaWeightsLoader.Loaded w) {
    this.config = config;
    this.dtype = dtype;
    this.manager = manager;
    this.vision = new VisionTower(config, w.vision());
    this.projector = new Projector(w.projector(), config.projectorHiddenAct());
    this.decoder = w.decoder();
    List<DecoderLayer> ls = new ArrayList<>();
    for (DecoderWeights.Layer l : w.decoder().layers()) {
      ls.add(new DecoderLayer(config.text(), l));
    }
    this.layers = List.copyOf(ls);
    this.unusedTensors = w.unused();
    this.tower = new TorchVision.Tower(config, w.vision(), w.projector(), manager);
  }

  /**
   * Loads the weights of a HF checkpoint directory, whose {@code config} the caller read, onto
   * {@code device}, converted to {@code dtype} whatever their stored type (F32, F16 or BF16).
   */
  public static LlavaModel load(Path dir, LlavaConfig config, Device device, ComputeDType dtype) {
    Ops.checkActivation(
        config.vision().hiddenAct(),
        dir.resolve(LlavaConfig.CONFIG) + ": vision_config.hidden_act");
    Ops.checkActivation(
        config.projectorHiddenAct(), dir.resolve(LlavaConfig.CONFIG) + ": projector_hidden_act");
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      LlavaWeightsLoader.Loaded w = LlavaWeightsLoader.load(dir, config, manager, dtype);
      if (!w.unused().isEmpty()) {
        LOG.info(
            "{}: {} checkpoint tensors not used by the model: {}",
            dir,
            w.unused().size(),
            w.unused().size() > 8 ? w.unused().subList(0, 8) + " ..." : w.unused());
      }
      return new LlavaModel(config, dtype, manager, w);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public LlavaConfig config() {
    return config;
  }

  /** The type of the weights and of every activation. */
  public ComputeDType dtype() {
    return dtype;
  }

  public List<DecoderLayer> layers() {
    return layers;
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
   * Projected image features.
   *
   * @param pixels (images, channels, size, size)
   * @return (images * tokensPerImage, textHidden)
   */
  public NDArray imageFeatures(NDArray pixels) {
    NDArray feats =
        projector.project(vision.features(pixels)); // (images, tokensPerImage, textHidden)
    Shape s = feats.getShape();
    return feats.reshape(s.get(0) * s.get(1), s.get(2));
  }

  /**
   * Each input's projected image features, all images of the batch through the vision tower at once
   * (HF's get_image_features), owned by {@code m}: as one TorchScript call ({@link
   * TorchVision#features}) when {@code fused}, else as the readable DJL calls ({@link
   * #imageFeatures(NDArray)}); the results are equal (FusedVisionIT).
   *
   * @return per input (images * tokensPerImage, textHidden), or null for an input without images
   */
  public NDArray[] imageFeatures(NDManager m, List<EncodedInput> inputs, boolean fused) {
    NDArray[] out = new NDArray[inputs.size()];
    int images = 0;
    EncodedInput first = null;
    for (EncodedInput in : inputs) {
      if (in.numImages() == 0) {
        continue;
      }
      images += in.numImages();
      first = first == null ? in : first;
      if (in.imageHeight() != first.imageHeight() || in.imageWidth() != first.imageWidth()) {
        throw new IllegalArgumentException(
            "a batch needs images of one size: "
                + in.sampleId()
                + " has "
                + in.imageHeight()
                + "x"
                + in.imageWidth());
      }
    }
    if (images == 0) {
      return out;
    }
    float[] pixels = new float[inputs.stream().mapToInt(in -> in.pixelValues().length).sum()];
    int offset = 0;
    for (EncodedInput in : inputs) {
      System.arraycopy(in.pixelValues(), 0, pixels, offset, in.pixelValues().length);
      offset += in.pixelValues().length;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // (images * tokensPerImage, textHidden)
      NDArray in =
          Ops.into(
              m.create(pixels, new Shape(images, 3, first.imageHeight(), first.imageWidth())),
              dtype.dataType());
      NDArray all = fused ? TorchVision.features(tower, in) : imageFeatures(in);
      long row = 0;
      for (int s = 0; s < out.length; s++) {
        long n = (long) inputs.get(s).numImages() * config.tokensPerImage();
        if (n > 0) {
          out[s] = all.get(new NDIndex(row + ":" + (row + n) + ", :")); // (n, textHidden)
          NDScope.unregister(out[s]);
        }
        row += n;
      }
    }
    return out;
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
    int expected = input.numImages() * config.tokensPerImage();
    if (vision.length != expected) {
      throw new IllegalArgumentException(
          "image tokens and image features do not match: the prompt holds "
              + vision.length
              + " image tokens (id "
              + config.imageTokenId()
              + ") but "
              + input.numImages()
              + " image(s) give "
              + expected
              + " features ("
              + config.tokensPerImage()
              + " each)");
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
    NDArray text = embed(m, ids); // (tokens, textHidden)
    if (features == null) {
      return text;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray merged =
          text.concat(features, 0).get(new NDIndex("{}", m.create(perm))); // (tokens, textHidden)
      NDScope.unregister(merged);
      text.close();
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
        Ops.rmsNorm(hidden, decoder.finalNorm(), (float) config.text().rmsNormEps())
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
   * @param positions (b * rows) the position ids of the input's rows, or null when they are those
   *     of the previous call (no drop since)
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
   * @return each sequence's next token
   */
  public long[] decodeToken(long[] ids, long[] positions, KvCache[] caches, FusedState state) {
    var t = config.text();
    long[] lengths = new long[caches.length];
    for (int l = 0; l < caches.length; l++) {
      caches[l].reserve(
          state.manager, ids.length, t.numKeyValueHeads(), t.headDim(), dtype.dataType(), 1);
      lengths[l] = caches[l].length();
    }
    long[] next =
        TorchDecoder.decodeToken(
            stack(), state.fixed(caches), state.tables, ids, positions, lengths);
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
    if (n > Integer.MAX_VALUE / config.text().headDim()) {
      throw new IllegalArgumentException("position id " + reach + " is too large for a RoPE table");
    }
    long[] ids = new long[(int) n];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    var t = config.text();
    float[][] cs = Rope.cosSin(Rope.inverseFrequencies(t.rope(), t.headDim()), ids);
    Shape shape = new Shape(n, t.headDim());
    NDArray cos = Ops.into(manager.create(cs[0], shape), dtype.dataType());
    NDArray sin = Ops.into(manager.create(cs[1], shape), dtype.dataType());
    NDScope.unregister(cos, sin); // the model's, whatever scope the first generation opened
    RopeTable table = new RopeTable(n, TorchDecoder.tensors(cos, sin));
    ropeTables.add(table);
    return table;
  }

  private TorchDecoder.Stack stack() {
    TorchDecoder.Stack s = stack;
    if (s == null) {
      synchronized (this) {
        if (stack == null) {
          var t = config.text();
          stack =
              new TorchDecoder.Stack(
                  decoder,
                  t.numAttentionHeads(),
                  t.numKeyValueHeads(),
                  t.headDim(),
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
    tower.close();
    for (RopeTable t : ropeTables) {
      t.list.close();
    }
    manager.close();
  }
}

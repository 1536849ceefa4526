package org.v2drop.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
   * Each input's projected image features, all images of the batch through the vision tower in one
   * call (HF's get_image_features), owned by {@code m}.
   *
   * @return per input (images * tokensPerImage, textHidden), or null for an input without images
   */
  public NDArray[] imageFeatures(NDManager m, List<EncodedInput> inputs) {
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
      NDArray all =
          imageFeatures(
              Ops.into(
                  m.create(pixels, new Shape(images, 3, first.imageHeight(), first.imageWidth())),
                  dtype.dataType()));
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
   * vision positions, in order (HF's masked_scatter). Closes {@code features}.
   *
   * @param features (vision tokens, textHidden), or null when the prompt has no images
   * @return (tokens, textHidden), owned by {@code m}
   */
  public NDArray inputEmbeddings(NDManager m, EncodedInput input, NDArray features) {
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
    NDArray text = embed(m, ids); // (tokens, textHidden)
    if (features == null) {
      return text;
    }
    // row i of (text ++ features) for each position: text rows stay, vision positions take the
    // features in order
    long[] perm = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < vision.length; k++) {
      perm[(int) vision[k]] = ids.length + k;
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
   * Decoder layer {@code l} ({@link DecoderLayer#forward}) as one TorchScript call ({@link
   * TorchDecoder#layer}): the same ops in the same order, equal results (FusedDecoderIT).
   */
  public NDArray layerFused(int l, NDArray x, AttentionInputs in, KvCache cache) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    var t = config.text();
    cache.reserve(x.getManager(), b, t.numKeyValueHeads(), t.headDim(), x.getDataType(), n);
    NDArray out =
        TorchDecoder.layer(
            stack(),
            l,
            x,
            in.cos(),
            in.sin(),
            in.keyMask(),
            cache.keyBuffer(),
            cache.valueBuffer(),
            cache.length());
    cache.advance(n);
    return out;
  }

  /**
   * One greedy decode step as one TorchScript call ({@link TorchDecoder#decodeToken}): the tokens'
   * embeddings, every decoder layer (each writing its new key/value into its cache), the final
   * norm, the LM head and argmax; the same results as {@link #embed}, {@link DecoderLayer#forward}
   * layer after layer and {@link #logits} (FusedDecoderIT).
   *
   * @param ids each sequence's current token (batch)
   * @param positions each layer's position id of each sequence: (layers * batch), layer-major
   * @param state the calls' fixed inputs, kept by the caller between steps ({@link DecodeState})
   * @return each sequence's next token
   */
  public long[] decodeToken(long[] ids, long[] positions, KvCache[] caches, DecodeState state) {
    var t = config.text();
    long[] lengths = new long[caches.length];
    for (int l = 0; l < caches.length; l++) {
      caches[l].reserve(
          state.manager, ids.length, t.numKeyValueHeads(), t.headDim(), dtype.dataType(), 1);
      lengths[l] = caches[l].length();
    }
    long[] next = TorchDecoder.decodeToken(stack(), state.fixed(caches), ids, positions, lengths);
    for (KvCache c : caches) {
      c.advance(1);
    }
    return next;
  }

  /**
   * The inputs of fused decode steps that stay the same over a generation (each layer's KV buffers
   * and padding mask, the RoPE tables); close it at the generation's end.
   */
  public static final class DecodeState implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keyMasks;
    private final NDArray cosTable;
    private final NDArray sinTable;
    private TorchDecoder.Fixed fixed;

    /**
     * @param manager the generation's manager (a cache that must grow allocates there)
     * @param keyMasks each layer's (batch, 1, 1, >= cached + steps) padding mask, or null
     * @param cosTable (positions, headDim) cos of every position id the steps reach
     * @param sinTable (positions, headDim) signed sin ({@link Rope#cosSin})
     */
    public DecodeState(NDManager manager, NDArray[] keyMasks, NDArray cosTable, NDArray sinTable) {
      this.manager = manager;
      this.keyMasks = keyMasks;
      this.cosTable = cosTable;
      this.sinTable = sinTable;
    }

    TorchDecoder.Fixed fixed(KvCache[] caches) {
      if (fixed == null || !fixed.current(caches)) {
        close();
        fixed = new TorchDecoder.Fixed(caches, keyMasks, cosTable, sinTable);
      }
      return fixed;
    }

    @Override
    public void close() {
      if (fixed != null) {
        fixed.close();
        fixed = null;
      }
    }
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
    manager.close();
  }
}

package org.v2drop.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.v2drop.core.checkpoint.LlavaConfig;

/**
 * A loaded LLaVA model: vision tower, projector, Llama decoder and LM head, with its weights in one
 * NDManager. Generations use sub-managers of {@link #newGenerationManager()}; nothing of a sample
 * attaches to the model's.
 */
public final class LlavaModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LlavaModel.class);

  private final LlavaConfig config;
  private final NDManager manager;
  private final VisionTower vision;
  private final Projector projector;
  private final DecoderWeights decoder;
  private final List<DecoderLayer> layers;
  private final List<String> unusedTensors;

  private LlavaModel(LlavaConfig config, NDManager manager, LlavaWeightsLoader.Loaded w) {
    this.config = config;
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

  /** Loads config and weights from a HF checkpoint directory onto {@code device}. */
  public static LlavaModel load(Path dir, Device device) {
    LlavaConfig config = LlavaConfig.load(dir);
    Ops.checkActivation(
        config.vision().hiddenAct(),
        dir.resolve(LlavaConfig.CONFIG) + ": vision_config.hidden_act");
    Ops.checkActivation(
        config.projectorHiddenAct(), dir.resolve(LlavaConfig.CONFIG) + ": projector_hidden_act");
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      LlavaWeightsLoader.Loaded w = LlavaWeightsLoader.load(dir, config, manager);
      if (!w.unused().isEmpty()) {
        LOG.info(
            "{}: {} checkpoint tensors not used by the model: {}",
            dir,
            w.unused().size(),
            w.unused().size() > 8 ? w.unused().subList(0, 8) + " ..." : w.unused());
      }
      return new LlavaModel(config, manager, w);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public LlavaConfig config() {
    return config;
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

  /** Token embeddings, owned by {@code m}: ids (n) → (n, hidden). */
  public NDArray embed(NDManager m, long[] ids) {
    return decoder.embedTokens().get(m, new NDIndex("{}", m.create(ids)));
  }

  /** Final RMSNorm and LM head on the given rows: (n, hidden) → (n, vocab). */
  public NDArray logits(NDArray hidden) {
    return Ops.rmsNorm(hidden, decoder.finalNorm(), (float) config.text().rmsNormEps())
        .matMul(decoder.lmHeadT());
  }

  @Override
  public void close() {
    manager.close();
  }
}

package org.v2drop.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.TensorInfo;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.checkpoint.VisionConfig;
import org.v2drop.core.checkpoint.WeightLayout;

/**
 * The LLaVA loading boundary: finds every tensor the model needs under its HF key (in any known
 * layout, {@link WeightLayout}) through a {@link WeightReader}. The only class that knows LLaVA's
 * HF tensor names.
 */
public final class LlavaWeightsLoader {
  private final WeightReader r;

  private LlavaWeightsLoader(Path dir, NDManager manager, ComputeDType dtype) {
    this.r = new WeightReader(dir, manager, dtype, WeightLayout::canonical);
  }

  /** Everything the model needs from {@code dir}. */
  public record Loaded(
      VisionWeights vision,
      ProjectorWeights projector,
      DecoderWeights decoder,
      List<String> unused) {}

  /**
   * Loads a LLaVA checkpoint directory, whose {@code config} the caller read, onto {@code device},
   * converted to {@code dtype} whatever its stored type (F32, F16 or BF16).
   */
  public static VlModel loadModel(Path dir, LlavaConfig config, Device device, ComputeDType dtype) {
    return loadModel(dir, config, device, dtype, (vision, tensor) -> vision);
  }

  /**
   * A family built on LLaVA's parts: its vision encoder wraps LLaVA's tower and projector, reading
   * what else it needs by canonical name ({@code tensor.apply(name, length)}, a vector).
   */
  public interface VisionWrap {
    VisionEncoder wrap(
        LlavaVision vision, java.util.function.BiFunction<String, Integer, NDArray> tensor);
  }

  /** {@link #loadModel(Path, LlavaConfig, Device, ComputeDType)} with the vision side wrapped. */
  public static VlModel loadModel(
      Path dir, LlavaConfig config, Device device, ComputeDType dtype, VisionWrap wrap) {
    Ops.checkActivation(
        config.vision().hiddenAct(),
        dir.resolve(LlavaConfig.CONFIG) + ": vision_config.hidden_act");
    Ops.checkActivation(
        config.projectorHiddenAct(), dir.resolve(LlavaConfig.CONFIG) + ": projector_hidden_act");
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      LlavaWeightsLoader l = new LlavaWeightsLoader(dir, manager, dtype);
      Loaded w = l.loaded(config);
      VisionEncoder vision =
          wrap.wrap(
              new LlavaVision(config, dtype, w.vision(), w.projector(), manager),
              (name, length) -> l.vec(name, length));
      return new VlModel(
          dir,
          config.text(),
          config.eosTokenIds(),
          null,
          dtype,
          manager,
          vision,
          w.decoder(),
          l.r.unused());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Loads the weights for {@code config} into {@code manager} as {@code dtype}. */
  public static Loaded load(Path dir, LlavaConfig config, NDManager manager, ComputeDType dtype) {
    return new LlavaWeightsLoader(dir, manager, dtype).loaded(config);
  }

  private Loaded loaded(LlavaConfig config) {
    VisionWeights vision = vision(config.vision(), VisionTower.layersNeeded(config));
    ProjectorWeights projector = projector(config);
    DecoderWeights decoder = decoder(config.text());
    return new Loaded(vision, projector, decoder, r.unused());
  }

  private VisionWeights vision(VisionConfig c, int layersNeeded) {
    int d = c.hiddenSize();
    int p = c.patchSize();
    String e = "vision.embeddings.";
    NDArray patch =
        create(
            new long[] {d, (long) c.numChannels() * p * p},
            read(e + "patch_embedding.weight", d, c.numChannels(), p, p));
    List<VisionWeights.Layer> layers = new ArrayList<>();
    for (int i = 0; i < layersNeeded; i++) {
      String L = "vision.encoder.layers." + i + ".";
      String a = L + "self_attn.";
      NDArray qkv =
          create(
              new long[] {3L * d, d},
              read(a + "q_proj.weight", d, d),
              read(a + "k_proj.weight", d, d),
              read(a + "v_proj.weight", d, d));
      NDArray qkvBias =
          create(
              new long[] {3L * d},
              read(a + "q_proj.bias", d),
              read(a + "k_proj.bias", d),
              read(a + "v_proj.bias", d));
      layers.add(
          new VisionWeights.Layer(
              vec(L + "layer_norm1.weight", d),
              vec(L + "layer_norm1.bias", d),
              qkv.transpose(),
              qkvBias,
              matT(a + "out_proj.weight", d, d),
              vec(a + "out_proj.bias", d),
              vec(L + "layer_norm2.weight", d),
              vec(L + "layer_norm2.bias", d),
              matT(L + "mlp.fc1.weight", c.intermediateSize(), d),
              vec(L + "mlp.fc1.bias", c.intermediateSize()),
              matT(L + "mlp.fc2.weight", d, c.intermediateSize()),
              vec(L + "mlp.fc2.bias", d)));
    }
    return new VisionWeights(
        patch.transpose(),
        vec(e + "class_embedding", d),
        create(
            new long[] {c.numPatches() + 1, d},
            read(e + "position_embedding.weight", c.numPatches() + 1, d)),
        vec("vision.pre_layrnorm.weight", d),
        vec("vision.pre_layrnorm.bias", d),
        List.copyOf(layers));
  }

  private ProjectorWeights projector(LlavaConfig c) {
    int in = c.vision().hiddenSize() * c.visionFeatureLayers().length;
    int d = c.text().hiddenSize();
    boolean bias = c.projectorBias();
    return new ProjectorWeights(
        matT("projector.linear_1.weight", d, in),
        bias ? vec("projector.linear_1.bias", d) : null,
        matT("projector.linear_2.weight", d, d),
        bias ? vec("projector.linear_2.bias", d) : null);
  }

  private DecoderWeights decoder(TextConfig c) {
    return DecoderWeights.load(r, c, false);
  }

  private NDArray vec(String name, long n) {
    return r.vec(name, n);
  }

  private NDArray matT(String name, long out, long in) {
    return r.matT(name, out, in);
  }

  private NDArray create(long[] shape, TensorInfo... parts) {
    return r.create(shape, parts);
  }

  private TensorInfo read(String name, long... expected) {
    return r.read(name, expected);
  }
}

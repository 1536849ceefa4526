package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.CheckpointFiles;
import org.v2drop.core.checkpoint.DType;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.SafetensorsFile;
import org.v2drop.core.checkpoint.TensorInfo;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.checkpoint.VisionConfig;
import org.v2drop.core.checkpoint.WeightLayout;

/**
 * The loading boundary: finds every tensor the model needs under its HF key (in any known layout),
 * checks its shape, converts it to the compute dtype and places it in the model's manager. The only
 * class that knows HF tensor names.
 *
 * <p>Each array is read straight from the file into one native buffer of its final type ({@link
 * SafetensorsFile#readInto}), the fused q/k/v weights included: a float16 checkpoint loaded in
 * float16 never exists in float32, and on a GPU the host holds one array's buffer at a time.
 */
public final class LlavaWeightsLoader {
  private final Path dir;
  private final NDManager manager;
  private final DType target;
  private final Map<String, TensorInfo> byCanonical = new LinkedHashMap<>();
  private final TreeSet<String> unused = new TreeSet<>();

  private LlavaWeightsLoader(Path dir, NDManager manager, ComputeDType dtype) {
    this.dir = dir;
    this.manager = manager;
    this.target = dtype == ComputeDType.FLOAT16 ? DType.F16 : DType.F32;
    for (TensorInfo t : CheckpointFiles.tensors(dir).values()) {
      String canonical = WeightLayout.canonical(t.name()).orElse(null);
      if (canonical == null) {
        unused.add(t.name());
        continue;
      }
      TensorInfo prev = byCanonical.put(canonical, t);
      if (prev != null) {
        throw new CheckpointException(
            dir
                + ": tensors '"
                + prev.name()
                + "' and '"
                + t.name()
                + "' are the same weight in two key layouts");
      }
    }
    byCanonical.values().forEach(t -> unused.add(t.name()));
  }

  /** Everything the model needs from {@code dir}. */
  public record Loaded(
      VisionWeights vision,
      ProjectorWeights projector,
      DecoderWeights decoder,
      List<String> unused) {}

  /** Loads the weights for {@code config} into {@code manager} as {@code dtype}. */
  public static Loaded load(Path dir, LlavaConfig config, NDManager manager, ComputeDType dtype) {
    LlavaWeightsLoader l = new LlavaWeightsLoader(dir, manager, dtype);
    VisionWeights vision = l.vision(config.vision(), VisionTower.layersNeeded(config));
    ProjectorWeights projector = l.projector(config);
    DecoderWeights decoder = l.decoder(config.text());
    return new Loaded(vision, projector, decoder, List.copyOf(l.unused));
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
    int d = c.hiddenSize();
    int m = c.intermediateSize();
    int qOut = c.numAttentionHeads() * c.headDim();
    int kvOut = c.numKeyValueHeads() * c.headDim();
    NDArray embed =
        create(new long[] {c.vocabSize(), d}, read("text.embed_tokens.weight", c.vocabSize(), d));
    List<DecoderWeights.Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String L = "text.layers." + i + ".";
      String a = L + "self_attn.";
      NDArray qkv =
          create(
              new long[] {(long) qOut + 2L * kvOut, d},
              read(a + "q_proj.weight", qOut, d),
              read(a + "k_proj.weight", kvOut, d),
              read(a + "v_proj.weight", kvOut, d));
      layers.add(
          new DecoderWeights.Layer(
              vec(L + "input_layernorm.weight", d),
              qkv.transpose(),
              qkv.get(new NDIndex("0:" + qOut + ", :")).transpose(),
              qkv.get(new NDIndex(qOut + ":" + (qOut + kvOut) + ", :")).transpose(),
              matT(a + "o_proj.weight", d, qOut),
              vec(L + "post_attention_layernorm.weight", d),
              matT(L + "mlp.gate_proj.weight", m, d),
              matT(L + "mlp.up_proj.weight", m, d),
              matT(L + "mlp.down_proj.weight", d, m)));
    }
    NDArray lmHeadT;
    if (byCanonical.containsKey("lm_head.weight") || !c.tieWordEmbeddings()) {
      lmHeadT = matT("lm_head.weight", c.vocabSize(), d);
    } else {
      lmHeadT = embed.transpose();
    }
    return new DecoderWeights(embed, List.copyOf(layers), vec("text.norm.weight", d), lmHeadT);
  }

  private NDArray vec(String name, long n) {
    return create(new long[] {n}, read(name, n));
  }

  /** Reads an HF (out, in) matrix and returns its transpose (in, out) as a view. */
  private NDArray matT(String name, long out, long in) {
    return create(new long[] {out, in}, read(name, out, in)).transpose();
  }

  /** One array of {@code shape} holding {@code parts} one after another, in the compute dtype. */
  private NDArray create(long[] shape, TensorInfo... parts) {
    long bytes = 0;
    for (TensorInfo t : parts) {
      bytes += t.numel() * target.bytes();
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          parts[0].file()
              + ": tensor '"
              + parts[0].name()
              + "' needs "
              + bytes
              + " bytes as "
              + target
              + "; at most 2 GiB per array are supported");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    for (TensorInfo t : parts) {
      SafetensorsFile.readInto(t, target, buf);
    }
    buf.rewind();
    return manager.create(
        buf, new Shape(shape), target == DType.F16 ? DataType.FLOAT16 : DataType.FLOAT32);
  }

  private TensorInfo read(String canonical, long... expected) {
    TensorInfo t = byCanonical.get(canonical);
    if (t == null) {
      throw new CheckpointException(
          dir
              + ": missing tensor for '"
              + canonical
              + "' (expected shape "
              + Arrays.toString(expected)
              + "); looked for it under the Hub, recent-transformers and transformers-5 key "
              + "layouts");
    }
    if (!Arrays.equals(t.shape(), expected)) {
      throw new CheckpointException(
          t.file()
              + ": tensor '"
              + t.name()
              + "' has shape "
              + t.shapeString()
              + ", expected "
              + Arrays.toString(expected));
    }
    unused.remove(t.name());
    return t;
  }
}

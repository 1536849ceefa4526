package org.v2drop.core.family.qwen2vl;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.WeightReader;

/**
 * The Qwen2-VL / Qwen2.5-VL loading boundary, the only class that knows their HF tensor names. Two
 * key layouts are found in the wild and mapped onto {@code visual.*}, {@code text.*} and {@code
 * lm_head.*}: the Hub checkpoints' ({@code visual.*}, {@code model.*}), which transformers 5 also
 * writes, and the one transformers 4.52-4.57 wrote ({@code model.visual.*}, {@code
 * model.language_model.*}).
 */
public final class Qwen2VlWeights {
  private Qwen2VlWeights() {}

  /** The canonical name of a checkpoint key, or empty when the key belongs to no known part. */
  public static Optional<String> canonical(String key) {
    if (key.startsWith("model.visual.")) {
      return Optional.of(key.substring("model.".length()));
    }
    if (key.startsWith("visual.")) {
      return Optional.of(key);
    }
    if (key.startsWith("model.language_model.")) {
      return Optional.of("text." + key.substring("model.language_model.".length()));
    }
    if (key.startsWith("model.")) {
      return Optional.of("text." + key.substring("model.".length()));
    }
    if (key.startsWith("lm_head.")) {
      return Optional.of(key);
    }
    return Optional.empty();
  }

  /** A reader of the checkpoint in {@code dir} under these canonical names. */
  public static WeightReader reader(Path dir, NDManager manager, ComputeDType dtype) {
    return new WeightReader(dir, manager, dtype, Qwen2VlWeights::canonical);
  }

  /** The vision tower's weights. */
  public static Qwen2VlVisionWeights vision(WeightReader r, Qwen2VlConfig config) {
    Qwen2VlConfig.Vision c = config.vision();
    boolean v25 = config.isQwen25();
    int d = c.hidden();
    int m = c.intermediate();
    int p = c.patchSize();
    long patchIn = (long) c.inChannels() * c.temporalPatchSize() * p * p;
    var patch =
        r.create(
            new long[] {d, patchIn},
            r.read(
                "visual.patch_embed.proj.weight", d, c.inChannels(), c.temporalPatchSize(), p, p));
    List<Qwen2VlVisionWeights.Block> blocks = new ArrayList<>();
    for (int i = 0; i < c.depth(); i++) {
      String b = "visual.blocks." + i + ".";
      blocks.add(
          new Qwen2VlVisionWeights.Block(
              r.vec(b + "norm1.weight", d),
              v25 ? null : r.vec(b + "norm1.bias", d),
              r.matT(b + "attn.qkv.weight", 3L * d, d),
              r.vec(b + "attn.qkv.bias", 3L * d),
              r.matT(b + "attn.proj.weight", d, d),
              r.vec(b + "attn.proj.bias", d),
              r.vec(b + "norm2.weight", d),
              v25 ? null : r.vec(b + "norm2.bias", d),
              v25 ? r.matT(b + "mlp.gate_proj.weight", m, d) : null,
              v25 ? r.vec(b + "mlp.gate_proj.bias", m) : null,
              r.matT(b + (v25 ? "mlp.up_proj.weight" : "mlp.fc1.weight"), m, d),
              r.vec(b + (v25 ? "mlp.up_proj.bias" : "mlp.fc1.bias"), m),
              r.matT(b + (v25 ? "mlp.down_proj.weight" : "mlp.fc2.weight"), d, m),
              r.vec(b + (v25 ? "mlp.down_proj.bias" : "mlp.fc2.bias"), d)));
    }
    long merged = (long) d * c.mergeSize() * c.mergeSize();
    var merger =
        new Qwen2VlVisionWeights.Merger(
            r.vec("visual.merger.ln_q.weight", d),
            v25 ? null : r.vec("visual.merger.ln_q.bias", d),
            r.matT("visual.merger.mlp.0.weight", merged, merged),
            r.vec("visual.merger.mlp.0.bias", merged),
            r.matT("visual.merger.mlp.2.weight", c.outHidden(), merged),
            r.vec("visual.merger.mlp.2.bias", c.outHidden()));
    return new Qwen2VlVisionWeights(patch.transpose(), List.copyOf(blocks), merger);
  }
}

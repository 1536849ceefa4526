package org.v2drop.core.family.qwen2vl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.JsonFiles;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.RopeConfig;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.family.ModelFamilies;

/**
 * A Qwen2-VL or Qwen2.5-VL checkpoint's {@code config.json}: the Qwen2 decoder (transformers 5's
 * nested {@code text_config}, or the older top-level keys with {@code rope_scaling.mrope_section}),
 * the vision tower of either generation, and the special token ids.
 *
 * @param modelType {@code qwen2_vl} or {@code qwen2_5_vl}
 * @param mropeSection chunk widths of the half head dimension taken by the temporal, height and
 *     width rows ({@link org.v2drop.core.model.Rope#mropeRows})
 */
public record Qwen2VlConfig(
    String modelType,
    TextConfig text,
    int[] mropeSection,
    Vision vision,
    int imageTokenId,
    int videoTokenId,
    int visionStartTokenId,
    int visionEndTokenId,
    Set<Integer> eosTokenIds) {

  /**
   * The vision tower.
   *
   * @param hidden the blocks' width (Qwen2-VL {@code embed_dim}, Qwen2.5-VL {@code hidden_size})
   * @param outHidden the merger's output width, the decoder's (Qwen2-VL {@code hidden_size},
   *     Qwen2.5-VL {@code out_hidden_size})
   * @param intermediate the MLP width (Qwen2-VL {@code embed_dim * mlp_ratio})
   * @param windowSize Qwen2.5-VL's attention window in pixels (0 for Qwen2-VL)
   * @param fullAttentionBlocks Qwen2.5-VL's blocks with full attention (empty for Qwen2-VL)
   * @param tokensPerSecond Qwen2.5-VL's video time scale (0 for Qwen2-VL)
   * @param ropeTheta the base of the 2-D rotary embedding ({@code rope_parameters.rope_theta},
   *     10000 when absent as in the original checkpoints)
   */
  public record Vision(
      int depth,
      int hidden,
      int outHidden,
      int intermediate,
      int heads,
      int patchSize,
      int temporalPatchSize,
      int mergeSize,
      int inChannels,
      String hiddenAct,
      int windowSize,
      List<Integer> fullAttentionBlocks,
      int tokensPerSecond,
      double ropeTheta) {

    /** The head dimension of the tower's attention. */
    public int headDim() {
      return hidden / heads;
    }
  }

  /** Whether this is Qwen2.5-VL (window attention, RMSNorm/SwiGLU tower, timed video positions). */
  public boolean isQwen25() {
    return modelType.equals("qwen2_5_vl");
  }

  /** Reads {@code dir/config.json}. */
  public static Qwen2VlConfig load(Path dir) {
    Path file = dir.resolve(ModelFamilies.CONFIG);
    JsonNode root = JsonFiles.readObject(file);
    String type = JsonFiles.optString(root, "model_type", "", file);
    if (!type.equals("qwen2_vl") && !type.equals("qwen2_5_vl")) {
      throw new CheckpointException(
          file + ": model_type '" + type + "' is not qwen2_vl or qwen2_5_vl");
    }
    JsonNode tc = root.path("text_config").isObject() ? root.get("text_config") : root;
    JsonNode vc = root.path("vision_config");
    if (!vc.isObject()) {
      throw new CheckpointException(file + ": vision_config is missing");
    }
    try {
      int hidden = JsonFiles.requireInt(tc, "hidden_size", file);
      int heads = JsonFiles.requireInt(tc, "num_attention_heads", file);
      int headDim =
          tc.hasNonNull("head_dim") ? JsonFiles.requireInt(tc, "head_dim", file) : hidden / heads;
      JsonNode rope = tc.path("rope_parameters");
      JsonNode legacy = tc.path("rope_scaling");
      JsonNode sectionNode =
          rope.has("mrope_section") ? rope.get("mrope_section") : legacy.path("mrope_section");
      int[] section = ints(sectionNode, file, "mrope_section");
      int sum = 0;
      for (int s : section) {
        sum += s;
      }
      if (sum != headDim / 2) {
        throw new CheckpointException(
            file + ": mrope_section sums to " + sum + " but half the head dim is " + headDim / 2);
      }
      double theta =
          rope.has("rope_theta")
              ? rope.get("rope_theta").asDouble()
              : JsonFiles.optDouble(tc, "rope_theta", 1000000.0, file);
      String act = JsonFiles.optString(tc, "hidden_act", "silu", file);
      if (!act.equals("silu")) {
        throw new CheckpointException(
            file + ": text hidden_act '" + act + "' is not supported; expected 'silu'");
      }
      if (tc.path("use_sliding_window").asBoolean(false)) {
        throw new CheckpointException(file + ": use_sliding_window = true is not supported");
      }
      TextConfig text =
          new TextConfig(
              hidden,
              JsonFiles.requireInt(tc, "intermediate_size", file),
              JsonFiles.requireInt(tc, "num_hidden_layers", file),
              heads,
              JsonFiles.optInt(tc, "num_key_value_heads", heads, file),
              headDim,
              JsonFiles.optDouble(tc, "rms_norm_eps", 1e-6, file),
              RopeConfig.plain(theta),
              JsonFiles.requireInt(tc, "vocab_size", file),
              root.path("tie_word_embeddings")
                  .asBoolean(tc.path("tie_word_embeddings").asBoolean(false)));
      boolean v25 = type.equals("qwen2_5_vl");
      int width = JsonFiles.requireInt(vc, v25 ? "hidden_size" : "embed_dim", file);
      Vision vision =
          new Vision(
              JsonFiles.requireInt(vc, "depth", file),
              width,
              JsonFiles.requireInt(vc, v25 ? "out_hidden_size" : "hidden_size", file),
              v25
                  ? JsonFiles.requireInt(vc, "intermediate_size", file)
                  : (int) Math.round(width * JsonFiles.optDouble(vc, "mlp_ratio", 4, file)),
              JsonFiles.requireInt(vc, "num_heads", file),
              JsonFiles.optInt(vc, "patch_size", 14, file),
              JsonFiles.optInt(vc, "temporal_patch_size", 2, file),
              JsonFiles.optInt(vc, "spatial_merge_size", 2, file),
              JsonFiles.optInt(vc, "in_channels", JsonFiles.optInt(vc, "in_chans", 3, file), file),
              JsonFiles.optString(vc, "hidden_act", v25 ? "silu" : "quick_gelu", file),
              v25 ? JsonFiles.optInt(vc, "window_size", 112, file) : 0,
              v25 ? intList(vc.path("fullatt_block_indexes")) : List.of(),
              v25 ? JsonFiles.optInt(vc, "tokens_per_second", 2, file) : 0,
              JsonFiles.optDouble(vc.path("rope_parameters"), "rope_theta", 10000.0, file));
      return new Qwen2VlConfig(
          type,
          text,
          section,
          vision,
          JsonFiles.optInt(root, "image_token_id", 151655, file),
          JsonFiles.optInt(root, "video_token_id", 151656, file),
          JsonFiles.optInt(root, "vision_start_token_id", 151652, file),
          JsonFiles.optInt(root, "vision_end_token_id", 151653, file),
          LlavaConfig.eosTokenIds(dir, root, tc, 151645));
    } catch (CheckpointException e) {
      throw e.getMessage().startsWith(file.toString())
          ? e
          : new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  private static int[] ints(JsonNode n, Path file, String key) {
    if (!n.isArray() || n.isEmpty()) {
      throw new CheckpointException(file + ": " + key + " is missing (a list of ints)");
    }
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  private static List<Integer> intList(JsonNode n) {
    List<Integer> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asInt()));
    return List.copyOf(out);
  }
}

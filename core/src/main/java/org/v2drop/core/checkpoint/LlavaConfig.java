package org.v2drop.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LLaVA checkpoint's {@code config.json} (+ {@code generation_config.json} for EOS ids). HF key
 * names appear only here; missing keys take the defaults of HF's LlamaConfig / CLIPVisionConfig /
 * LlavaConfig, as transformers does.
 *
 * @param visionFeatureLayers CLIP hidden-state indices whose features are concatenated (negative =
 *     from the end)
 * @param visionFeatureSelectStrategy "default" (drop CLS) or "full"
 */
public record LlavaConfig(
    TextConfig text,
    VisionConfig vision,
    int imageTokenId,
    int[] visionFeatureLayers,
    String visionFeatureSelectStrategy,
    String projectorHiddenAct,
    boolean projectorBias,
    Set<Integer> eosTokenIds) {

  public static final String CONFIG = "config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";

  public LlavaConfig {
    if (!visionFeatureSelectStrategy.equals("default")
        && !visionFeatureSelectStrategy.equals("full")) {
      throw new CheckpointException(
          "vision_feature_select_strategy must be 'default' or 'full', found '"
              + visionFeatureSelectStrategy
              + "'");
    }
    for (int l : visionFeatureLayers) {
      int idx = l < 0 ? vision.numHiddenLayers() + 1 + l : l;
      if (idx < 0 || idx > vision.numHiddenLayers()) {
        throw new CheckpointException(
            "vision_feature_layer "
                + l
                + " is outside the vision tower's "
                + (vision.numHiddenLayers() + 1)
                + " hidden states");
      }
    }
    if (imageTokenId < 0 || imageTokenId >= text.vocabSize()) {
      throw new CheckpointException(
          "image_token_index "
              + imageTokenId
              + " is outside the vocabulary of "
              + text.vocabSize());
    }
  }

  /** Vision tokens one image contributes (LlavaProcessor's count). */
  public int tokensPerImage() {
    return vision.numPatches() + (visionFeatureSelectStrategy.equals("default") ? 0 : 1);
  }

  /** Loads {@code dir/config.json}. */
  public static LlavaConfig load(Path dir) {
    return load(dir, "llava");
  }

  /**
   * The configuration of a checkpoint of {@code expected} model type built on LLaVA's parts (CLIP
   * tower, projector, Llama decoder), such as {@code llava_next}.
   */
  public static LlavaConfig load(Path dir, String expected) {
    Path file = dir.resolve(CONFIG);
    JsonNode root = JsonFiles.readObject(file);
    String modelType = JsonFiles.optString(root, "model_type", "", file);
    if (!modelType.equals(expected)) {
      throw new CheckpointException(
          file + ": unsupported model_type '" + modelType + "'; expected '" + expected + "'");
    }
    JsonNode tc = root.get("text_config");
    JsonNode vc = root.get("vision_config");
    if (tc == null || !tc.isObject() || vc == null || !vc.isObject()) {
      throw new CheckpointException(
          file + ": 'text_config' and 'vision_config' objects are required");
    }
    String textType = JsonFiles.optString(tc, "model_type", "llama", file);
    if (!textType.equals("llama") && !textType.equals("mistral")) {
      throw new CheckpointException(
          file
              + ": unsupported text_config.model_type '"
              + textType
              + "'; expected 'llama' or 'mistral'");
    }
    String visionType = JsonFiles.optString(vc, "model_type", "clip_vision_model", file);
    if (!visionType.equals("clip_vision_model")) {
      throw new CheckpointException(
          file
              + ": unsupported vision_config.model_type '"
              + visionType
              + "'; expected 'clip_vision_model'");
    }
    TextConfig text = text(tc, file, textType.equals("mistral"));
    VisionConfig vision = vision(vc, file);
    int imageToken =
        root.has("image_token_index")
            ? JsonFiles.requireInt(root, "image_token_index", file)
            : JsonFiles.optInt(root, "image_token_id", 32000, file);
    JsonNode fl = root.get("vision_feature_layer");
    int[] featureLayers;
    if (fl == null || fl.isNull()) {
      featureLayers = new int[] {-2};
    } else if (fl.isArray()) {
      featureLayers = new int[fl.size()];
      for (int i = 0; i < fl.size(); i++) {
        if (!fl.get(i).isIntegralNumber()) {
          throw new CheckpointException(
              file + ": vision_feature_layer must hold integers, found " + fl);
        }
        featureLayers[i] = fl.get(i).asInt();
      }
    } else {
      featureLayers = new int[] {JsonFiles.requireInt(root, "vision_feature_layer", file)};
    }
    String strategy = JsonFiles.optString(root, "vision_feature_select_strategy", "default", file);
    String projAct = JsonFiles.optString(root, "projector_hidden_act", "gelu", file);
    boolean projBias = root.path("multimodal_projector_bias").asBoolean(true);
    Set<Integer> eos = eosTokenIds(dir, root, tc, 2);
    try {
      return new LlavaConfig(
          text, vision, imageToken, featureLayers, strategy, projAct, projBias, Set.copyOf(eos));
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The decoder's settings; absent keys take the defaults of HF's config class of the text model
   * type (HF writes only what differs from them): Llama's, or Mistral's ({@code intermediate_size}
   * 14336, 8 key-value heads).
   */
  private static TextConfig text(JsonNode tc, Path file, boolean mistral) {
    if (tc.path("attention_bias").asBoolean(false) || tc.path("mlp_bias").asBoolean(false)) {
      throw new CheckpointException(
          file + ": text_config.attention_bias / mlp_bias = true is not supported");
    }
    String act = JsonFiles.optString(tc, "hidden_act", "silu", file);
    if (!act.equals("silu")) {
      throw new CheckpointException(
          file + ": text_config.hidden_act '" + act + "' is not supported; expected 'silu'");
    }
    int hidden = JsonFiles.optInt(tc, "hidden_size", 4096, file);
    int heads = JsonFiles.optInt(tc, "num_attention_heads", 32, file);
    int headDim =
        tc.hasNonNull("head_dim")
            ? JsonFiles.requireInt(tc, "head_dim", file)
            : (heads > 0 ? hidden / heads : 0);
    try {
      return new TextConfig(
          hidden,
          JsonFiles.optInt(tc, "intermediate_size", mistral ? 14336 : 11008, file),
          JsonFiles.optInt(tc, "num_hidden_layers", 32, file),
          heads,
          JsonFiles.optInt(tc, "num_key_value_heads", mistral ? 8 : heads, file),
          headDim,
          JsonFiles.optDouble(tc, "rms_norm_eps", 1e-6, file),
          rope(tc, file),
          JsonFiles.optInt(tc, "vocab_size", 32000, file),
          tc.path("tie_word_embeddings").asBoolean(false),
          mistral ? slidingWindow(tc, file) : 0);
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /** Mistral's {@code sliding_window}: its config class's 4096 when absent, 0 (none) when null. */
  private static int slidingWindow(JsonNode tc, Path file) {
    if (!tc.has("sliding_window")) {
      return 4096;
    }
    return tc.get("sliding_window").isNull() ? 0 : JsonFiles.requireInt(tc, "sliding_window", file);
  }

  /**
   * Legacy ({@code rope_theta} + {@code rope_scaling}) and transformers 5 ({@code rope_parameters})
   * layouts.
   */
  private static RopeConfig rope(JsonNode tc, Path file) {
    JsonNode params = tc.get("rope_parameters");
    JsonNode scaling = tc.get("rope_scaling");
    double theta = JsonFiles.optDouble(tc, "rope_theta", 10000.0, file);
    JsonNode p = params != null && params.isObject() ? params : scaling;
    if (p == null || p.isNull()) {
      return RopeConfig.plain(theta);
    }
    if (!p.isObject()) {
      throw new CheckpointException(file + ": rope_scaling must be an object or null, found " + p);
    }
    theta = JsonFiles.optDouble(p, "rope_theta", theta, file);
    String type =
        p.hasNonNull("rope_type")
            ? JsonFiles.optString(p, "rope_type", "default", file)
            : JsonFiles.optString(p, "type", "default", file);
    return new RopeConfig(
        type,
        theta,
        JsonFiles.optDouble(p, "factor", 1.0, file),
        JsonFiles.optDouble(p, "low_freq_factor", 1.0, file),
        JsonFiles.optDouble(p, "high_freq_factor", 4.0, file),
        JsonFiles.optInt(p, "original_max_position_embeddings", 8192, file));
  }

  private static VisionConfig vision(JsonNode vc, Path file) {
    try {
      return new VisionConfig(
          JsonFiles.optInt(vc, "hidden_size", 768, file),
          JsonFiles.optInt(vc, "intermediate_size", 3072, file),
          JsonFiles.optInt(vc, "num_hidden_layers", 12, file),
          JsonFiles.optInt(vc, "num_attention_heads", 12, file),
          JsonFiles.optInt(vc, "image_size", 224, file),
          JsonFiles.optInt(vc, "patch_size", 32, file),
          JsonFiles.optInt(vc, "num_channels", 3, file),
          JsonFiles.optString(vc, "hidden_act", "quick_gelu", file),
          JsonFiles.optDouble(vc, "layer_norm_eps", 1e-5, file));
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every EOS id a checkpoint names: the text config's, the top-level config's and {@code
   * generation_config.json}'s {@code eos_token_id} (an int or a list), or {@code fallback} when
   * none does.
   */
  public static Set<Integer> eosTokenIds(Path dir, JsonNode root, JsonNode text, int fallback) {
    Set<Integer> eos = new TreeSet<>();
    addIds(text.get("eos_token_id"), eos);
    addIds(root.get("eos_token_id"), eos);
    Path gen = dir.resolve(GENERATION_CONFIG);
    if (Files.isRegularFile(gen)) {
      addIds(JsonFiles.readObject(gen).get("eos_token_id"), eos);
    }
    if (eos.isEmpty()) {
      eos.add(fallback);
    }
    return Set.copyOf(eos);
  }

  private static void addIds(JsonNode n, Set<Integer> out) {
    if (n == null || n.isNull()) {
      return;
    }
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asInt()));
    } else if (n.isIntegralNumber()) {
      out.add(n.asInt());
    }
  }
}

package org.v2drop.core.family.llavanext;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.v2drop.core.bench.ChatTemplate;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.engine.MemoryPlan;
import org.v2drop.core.engine.ModelEngine;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.LlavaWeightsLoader;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * A LLaVA-NeXT checkpoint ready to evaluate: LLaVA's CLIP tower, projector and Llama decoder, with
 * AnyRes images (tiles, packing with unpadding and row newlines; {@link LlavaNextVision}) and a
 * per-image token count ({@link LlavaNextPromptEncoder}); lmms-eval's vicuna conversation.
 */
final class LlavaNextEngine extends ModelEngine {
  static final String MODEL_TYPE = "llava_next";

  private final LlavaConfig config;
  private final LlavaNextPromptEncoder encoder;
  private final int tile;

  private LlavaNextEngine(
      LlavaConfig config,
      VlModel model,
      TextTokenizer tokenizer,
      LlavaNextPromptEncoder encoder,
      ChatTemplate chatTemplate,
      int tile) {
    super(model, tokenizer, chatTemplate);
    this.config = config;
    this.encoder = encoder;
    this.tile = tile;
  }

  /** {@code image_grid_pinpoints} of a config object ((height, width) pairs). */
  static List<int[]> pinpoints(JsonNode root, String where) {
    JsonNode p = root == null ? null : root.get("image_grid_pinpoints");
    if (p == null || !p.isArray() || p.isEmpty()) {
      throw new CheckpointException(
          where + ": 'image_grid_pinpoints' (a list of [height, width]) is required");
    }
    List<int[]> out = new ArrayList<>();
    for (JsonNode hw : p) {
      if (!hw.isArray() || hw.size() != 2 || !hw.get(0).isInt() || !hw.get(1).isInt()) {
        throw new CheckpointException(
            where + ": image_grid_pinpoints entry " + hw + " is not [height, width]");
      }
      out.add(new int[] {hw.get(0).asInt(), hw.get(1).asInt()});
    }
    return out;
  }

  /** The most vision tokens one image can take under these pinpoints (the memory plan's bound). */
  static int maxTokensPerImage(List<int[]> pinpoints, int tile, int side) {
    int max = 0;
    for (int[] hw : pinpoints) {
      int rows = hw[0] / tile * side;
      int cols = hw[1] / tile * side;
      max = Math.max(max, rows * cols + rows + side * side + 1);
    }
    return max;
  }

  static LlavaNextEngine load(
      Path dir,
      Device device,
      ComputeDType dtype,
      Function<Integer, MemoryPlan.Workload> workloadForTokensPerImage) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": checkpoint directory not found");
    }
    LlavaConfig config = LlavaConfig.load(dir, MODEL_TYPE);
    Path configFile = dir.resolve(LlavaConfig.CONFIG);
    List<int[]> modelPins =
        pinpoints(
            org.v2drop.core.checkpoint.JsonFiles.readObject(configFile), configFile.toString());
    ImageProcessorConfig.Located located = ImageProcessorConfig.locate(dir);
    List<int[]> processorPins =
        located.image() != null && located.image().has("image_grid_pinpoints")
            ? pinpoints(located.image(), located.file().toString())
            : modelPins;
    ImageProcessorConfig ipc = ImageProcessorConfig.load(dir);
    int tile = config.vision().imageSize();
    int side = tile / config.vision().patchSize();
    ipc.requireCrop(tile, dir);
    MemoryPlan plan =
        MemoryPlan.of(
            dir,
            config,
            dtype,
            workloadForTokensPerImage.apply(maxTokensPerImage(modelPins, tile, side)));
    plan.check(device, dir.toString());
    VlModel model =
        LlavaWeightsLoader.loadModel(
            dir,
            config,
            device,
            dtype,
            (vision, tensor) ->
                new LlavaNextVision(
                    vision,
                    tensor.apply("image_newline", config.text().hiddenSize()),
                    modelPins,
                    tile,
                    side));
    try {
      TextTokenizer tok = TextTokenizer.load(dir);
      boolean dropCls = config.visionFeatureSelectStrategy().equals("default");
      LlavaNextPromptEncoder encoder =
          new LlavaNextPromptEncoder(tok, ipc, processorPins, config.imageTokenId(), dropCls);
      return new LlavaNextEngine(
          config, model, tok, encoder, new LlavaConversation(ipc.imageToken()), tile);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public EncodedInput encode(String prompt, List<RgbImage> images, String sampleId) {
    return encoder.encode(prompt, images, sampleId);
  }

  /**
   * A deterministic prompt: the images (smooth patterns of 2×2 tiles each) then {@code textTokens}
   * words, encoded as a real prompt (the text's token count is approximate).
   */
  @Override
  public EncodedInput syntheticInput(int textTokens, int images) {
    List<RgbImage> imgs = new ArrayList<>();
    int size = 2 * tile;
    for (int i = 0; i < images; i++) {
      byte[] px = new byte[3 * size * size];
      for (int k = 0; k < px.length; k++) {
        px[k] = (byte) ((k * 31 + i * 17) % 251);
      }
      imgs.add(new RgbImage(size, size, px));
    }
    String text = "<image>\n".repeat(images) + " a".repeat(Math.max(0, textTokens - 1));
    return encoder.encode(text, imgs, "bench");
  }
}

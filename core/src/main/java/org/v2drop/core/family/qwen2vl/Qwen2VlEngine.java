package org.v2drop.core.family.qwen2vl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.engine.MemoryPlan;
import org.v2drop.core.engine.ModelEngine;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.family.ProcessorOverrides;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.DecoderWeights;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.model.WeightReader;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * A Qwen2-VL or Qwen2.5-VL checkpoint ready to evaluate: lmms-eval's {@code qwen2_vl} prompt
 * ({@link Qwen2VlConversation}), the HF processor's encoding ({@link Qwen2VlPromptEncoder}), the
 * vision tower ({@link Qwen2VlVisionTower}) and the Qwen2 decoder with M-RoPE.
 */
public final class Qwen2VlEngine extends ModelEngine {
  private final Qwen2VlConfig config;
  private final Qwen2VlPromptEncoder encoder;

  private Qwen2VlEngine(
      Qwen2VlConfig config, VlModel model, TextTokenizer tokenizer, Qwen2VlPromptEncoder encoder) {
    super(model, tokenizer, new Qwen2VlConversation());
    this.config = config;
    this.encoder = encoder;
  }

  /**
   * Loads the checkpoint in {@code dir} onto {@code device} in {@code dtype}, its image and video
   * processors' pixel bounds overridden where {@code overrides} says, after checking the device can
   * hold its weights and the KV cache of {@code use} (an image taken as 1,024 vision tokens:
   * dynamic resolution makes the real count depend on the image).
   */
  public static Qwen2VlEngine load(
      Path dir,
      Device device,
      ComputeDType dtype,
      ModelFamily.PlannedUse use,
      ProcessorOverrides overrides) {
    Qwen2VlConfig config = Qwen2VlConfig.load(dir);
    Qwen2VlImageProcessor processor = Qwen2VlImageProcessor.load(dir).withPixels(overrides);
    MemoryPlan.of(
            dir,
            Qwen2VlWeights::canonical,
            config.text(),
            dtype,
            new MemoryPlan.Workload(
                use.sequences(), use.textTokens() + use.images() * 1024, use.newTokens()))
        .check(device, dir.toString());
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    VlModel model;
    try {
      WeightReader r = Qwen2VlWeights.reader(dir, manager, dtype);
      Qwen2VlVisionTower tower = new Qwen2VlVisionTower(config, Qwen2VlWeights.vision(r, config));
      DecoderWeights decoder = DecoderWeights.load(r, config.text(), true);
      model =
          new VlModel(
              dir,
              config.text(),
              config.eosTokenIds(),
              config.mropeSection(),
              dtype,
              manager,
              new Qwen2VlVision(tower, dtype, config.vision().mergeSize()),
              decoder,
              r.unused());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    try {
      TextTokenizer tokenizer = TextTokenizer.load(dir);
      return new Qwen2VlEngine(
          config, model, tokenizer, new Qwen2VlPromptEncoder(tokenizer, processor, config));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The checkpoint's configuration. */
  public Qwen2VlConfig config() {
    return config;
  }

  /** Prompt text with one image per {@code <|image_pad|>} → model input. */
  @Override
  public EncodedInput encode(String prompt, List<RgbImage> images, String sampleId) {
    return encoder.encode(prompt, images, List.of(), sampleId);
  }

  /**
   * Prompt text with one image per {@code <|image_pad|>} and one video (its frames) per {@code
   * <|video_pad|>} → model input.
   */
  @Override
  public EncodedInput encode(
      String prompt, List<RgbImage> images, List<List<RgbImage>> videos, String sampleId) {
    return encoder.encode(prompt, images, videos, sampleId);
  }

  /**
   * A deterministic sample: the chat template's turns around {@code images} 448×448 images of a
   * smooth pattern (256 vision tokens each at merge 2), then {@code textTokens} text ids cycling
   * through the vocabulary, never a special token, before the user turn ends.
   */
  @Override
  public EncodedInput syntheticInput(int textTokens, int images) {
    return syntheticInput(textTokens, images, 448, 448, 0);
  }

  /**
   * {@link #syntheticInput(int, int)} with images of {@code width × height} (the processor's
   * smart_resize applies) and, when {@code videoFrames > 0}, one video of that many frames of the
   * same size after the images; tools/hf_bench.py builds the same sample.
   */
  @Override
  public EncodedInput syntheticInput(
      int textTokens, int images, int width, int height, int videoFrames) {
    int w = width > 0 ? width : 448;
    int h = height > 0 ? height : 448;
    List<Qwen2VlPromptEncoder.Visual> visuals = new ArrayList<>();
    for (int k = 0; k < images; k++) {
      visuals.add(
          new Qwen2VlPromptEncoder.Visual(encoder.processor().process(pattern(w, h, k)), false));
    }
    if (videoFrames > 0) {
      List<RgbImage> frames = new ArrayList<>();
      for (int f = 0; f < videoFrames; f++) {
        frames.add(pattern(w, h, 100 + f));
      }
      visuals.add(new Qwen2VlPromptEncoder.Visual(encoder.processor().processVideo(frames), true));
    }
    int unit = config.vision().mergeSize() * config.vision().mergeSize();
    StringBuilder head = new StringBuilder(chatTemplate().apply("", 0));
    head.setLength(head.indexOf("<|im_end|>\n<|im_start|>assistant"));
    for (Qwen2VlPromptEncoder.Visual v : visuals) {
      String pad = v.video() ? Qwen2VlPromptEncoder.VIDEO_PAD : Qwen2VlPromptEncoder.IMAGE_PAD;
      head.append("<|vision_start|>")
          .append(pad.repeat(v.patches().rows() / unit))
          .append("<|vision_end|>");
    }
    long[] before = encoder.tokenize(head.toString());
    long[] after = encoder.tokenize("<|im_end|>\n<|im_start|>assistant\n");
    long[] ids = new long[before.length + textTokens + after.length];
    System.arraycopy(before, 0, ids, 0, before.length);
    long candidate = 3;
    int vocab = config.text().vocabSize();
    for (int i = 0; i < textTokens; i++) {
      do {
        candidate = (candidate * 7919 + 13) % vocab;
      } while (special(candidate));
      ids[before.length + i] = candidate;
    }
    System.arraycopy(after, 0, ids, before.length + textTokens, after.length);
    return encoder.assemble(ids, visuals, "bench");
  }

  /** A smooth deterministic RGB pattern, different per {@code seed}. */
  static RgbImage pattern(int width, int height, int seed) {
    byte[] px = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          double v = 127.5 + 120 * Math.sin(0.05 * x + 0.07 * y + 1.3 * c + seed);
          px[(c * height + y) * width + x] = (byte) (int) Math.round(v);
        }
      }
    }
    return new RgbImage(width, height, px);
  }

  private boolean special(long id) {
    return id == config.imageTokenId()
        || id == config.videoTokenId()
        || id == config.visionStartTokenId()
        || id == config.visionEndTokenId()
        || config.eosTokenIds().contains((int) id)
        || id >= config.text().vocabSize() - 32;
  }
}

package org.v2drop.core.engine;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.v2drop.core.bench.ChatTemplate;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.LlavaWeightsLoader;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageProcessor;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.core.processor.PromptEncoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * A LLaVA checkpoint ready to evaluate: its chat template (question → prompt), encode (prompt +
 * images → ids, pixels, vision positions) → generate (with a drop method) → decode. Thread-safe for
 * concurrent generations; one instance per model per JVM.
 */
public final class LlavaEngine extends ModelEngine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LlavaEngine.class);

  private final Path dir;
  private final LlavaConfig config;
  private final PromptEncoder encoder;

  private LlavaEngine(
      Path dir,
      LlavaConfig config,
      VlModel model,
      TextTokenizer tokenizer,
      PromptEncoder encoder,
      ChatTemplate chatTemplate) {
    super(model, tokenizer, chatTemplate);
    this.dir = dir;
    this.config = config;
    this.encoder = encoder;
  }

  /**
   * Loads a HF LLaVA checkpoint directory (config, weights, tokenizer, processor) onto {@code
   * device} in the device's default dtype (float32 on a CPU, float16 on a GPU).
   */
  public static LlavaEngine load(Path dir, Device device) {
    return load(dir, device, ComputeDType.parse("auto", device, "dtype"));
  }

  /**
   * Loads a HF LLaVA checkpoint directory onto {@code device}, computing in {@code dtype}, planned
   * for one prompt with one image ({@link MemoryPlan.Workload#typical}).
   */
  public static LlavaEngine load(Path dir, Device device, ComputeDType dtype) {
    return load(dir, device, dtype, c -> MemoryPlan.Workload.typical(c, 1, 1));
  }

  /**
   * Loads a HF LLaVA checkpoint directory onto {@code device}, computing in {@code dtype}, after
   * checking that the device can hold the weights and the workload's KV cache ({@link MemoryPlan};
   * refused with {@link MemoryPlan.InsufficientMemoryException} otherwise).
   */
  public static LlavaEngine load(
      Path dir,
      Device device,
      ComputeDType dtype,
      Function<LlavaConfig, MemoryPlan.Workload> workload) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": checkpoint directory not found");
    }
    ImageProcessorConfig ipc = ImageProcessorConfig.load(dir);
    LlavaConfig config = LlavaConfig.load(dir);
    MemoryPlan plan = MemoryPlan.of(dir, config, dtype, workload.apply(config));
    plan.check(device, dir.toString());
    LOG.debug("{}: memory plan {}", dir, plan.describe());
    VlModel model = LlavaWeightsLoader.loadModel(dir, config, device, dtype);
    try {
      LlavaConfig c = config;
      ipc.requireCrop(c.vision().imageSize(), dir);
      int patch = ipc.patchSize() > 0 ? ipc.patchSize() : c.vision().patchSize();
      int processorTokens = ipc.imageTokens(patch, c.visionFeatureSelectStrategy());
      if (ipc.patchSize() > 0 && processorTokens != c.tokensPerImage()) {
        throw new CheckpointException(
            dir
                + ": the processor expands each image to "
                + processorTokens
                + " tokens but the vision tower yields "
                + c.tokensPerImage()
                + " features per image");
      }
      TextTokenizer tok = TextTokenizer.load(dir);
      PromptEncoder encoder =
          new PromptEncoder(tok, new ImageProcessor(ipc), c.tokensPerImage(), c.imageTokenId());
      return new LlavaEngine(
          dir, config, model, tok, encoder, new LlavaConversation(ipc.imageToken()));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  /** The checkpoint's configuration. */
  public LlavaConfig config() {
    return config;
  }

  /** Prompt text with one image per placeholder ({@code <image>}) → model input. */
  @Override
  public EncodedInput encode(String prompt, List<RgbImage> images, String sampleId) {
    return encoder.encode(prompt, images, sampleId);
  }

  /**
   * A deterministic sample: BOS, one text token, the image tokens, then the remaining text tokens;
   * text ids cycle through the vocabulary avoiding the image token and EOS; pixel values are a
   * smooth pattern in CLIP's range.
   */
  @Override
  public EncodedInput syntheticInput(int textTokens, int images) {
    long[] text = new long[textTokens];
    long candidate = 3;
    for (int i = 0; i < textTokens; i++) {
      do {
        candidate = 3 + (candidate * 7919 + 13) % (config.text().vocabSize() - 3);
      } while (candidate == config.imageTokenId()
          || config.eosTokenIds().contains((int) candidate));
      text[i] = candidate;
    }
    int head = Math.min(1, textTokens);
    long[] ids = new long[1 + textTokens + images * config.tokensPerImage()];
    ids[0] = 1; // BOS
    System.arraycopy(text, 0, ids, 1, head);
    Arrays.fill(ids, 1 + head, 1 + head + images * config.tokensPerImage(), config.imageTokenId());
    System.arraycopy(
        text, head, ids, 1 + head + images * config.tokensPerImage(), textTokens - head);
    int size = config.vision().imageSize();
    float[] pixels = new float[images * 3 * size * size];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (1.5 * Math.sin(i * 0.01) + 0.3 * Math.cos(i * 0.37));
    }
    return new EncodedInput(
        ids,
        EncodedInput.positionsOf(ids, config.imageTokenId()),
        pixels,
        images,
        size,
        size,
        "bench");
  }
}

package org.v2drop.core.engine;

import java.util.List;
import org.v2drop.core.bench.ChatTemplate;
import org.v2drop.core.bench.Prompt;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;

/**
 * A model ready to evaluate, as the per-sample chain uses it ({@link
 * org.v2drop.core.eval.Evaluator}): its chat template, encoding, greedy generation with dropping
 * and decoding. {@link LlavaEngine} is the LLaVA family's; a model family ({@link
 * org.v2drop.core.family.ModelFamily}) makes one from a checkpoint. Implementations are thread-safe
 * and closed once, when their JVM is done with them.
 */
public interface Engine extends AutoCloseable {
  /** How this model's prompts wrap a task's question. */
  ChatTemplate chatTemplate();

  /** A benchmark prompt → model input; {@code sampleId} seeds the random baseline. */
  EncodedInput encode(Prompt prompt, String sampleId);

  /**
   * A prompt used as written, as the family's HF processor would receive it (its own image
   * placeholders, each taking the next image) → model input.
   */
  EncodedInput encode(String prompt, List<RgbImage> images, String sampleId);

  /**
   * A prompt used as written with images and videos (each a list of frames, in order), each of the
   * family's video placeholders taking the next video. A family without video input refuses any.
   */
  default EncodedInput encode(
      String prompt, List<RgbImage> images, List<List<RgbImage>> videos, String sampleId) {
    if (!videos.isEmpty()) {
      throw new IllegalArgumentException(
          "this model family takes no video input; give a video's frames as images");
    }
    return encode(prompt, images, sampleId);
  }

  /**
   * A deterministic synthetic input for timing: {@code textTokens} text tokens (ids cycling through
   * the vocabulary, never a special token) and {@code images} images of deterministic pixels,
   * placed after the first text token.
   */
  EncodedInput syntheticInput(int textTokens, int images);

  /**
   * A deterministic synthetic input of {@code images} images of {@code width × height} pixels and,
   * when {@code videoFrames > 0}, one video of that many frames of the same size
   * (dynamic-resolution families). A family of one fixed image size refuses a size or a video.
   */
  default EncodedInput syntheticInput(
      int textTokens, int images, int width, int height, int videoFrames) {
    if (width > 0 || height > 0 || videoFrames > 0) {
      throw new IllegalArgumentException(
          "this model family resizes every image to one size and takes no video: "
              + "--image-size and --video-frames apply to dynamic-resolution families");
    }
    return syntheticInput(textTokens, images);
  }

  /** Greedy generation with the method's dropping, stopping at EOS. */
  Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens);

  /** Several inputs generated together, each with its own dropping; results in input order. */
  List<Generation> generate(List<EncodedInput> inputs, MethodSpec method, int maxNewTokens);

  /** Exactly {@code newTokens} decode steps, EOS or not (for timing). */
  Generation generateFixed(EncodedInput input, MethodSpec method, int newTokens);

  /** Text of generated ids, special tokens skipped. */
  String decode(long[] ids);

  @Override
  void close();
}

package org.v2drop.core.family.qwen2vl;

import org.v2drop.core.bench.ChatTemplate;

/**
 * The prompt lmms-eval's {@code qwen2_vl} model builds: a system message, then one user message
 * holding every image (each {@code <|vision_start|><|image_pad|><|vision_end|>}) before the text,
 * rendered by the Qwen2-VL chat template with the generation prompt.
 */
public final class Qwen2VlConversation implements ChatTemplate {
  /** lmms-eval's default system prompt for this model. */
  public static final String SYSTEM = "You are a helpful assistant.";

  /** One image's span in a prompt. */
  public static final String IMAGE = "<|vision_start|><|image_pad|><|vision_end|>";

  /** One video's span in a prompt. */
  public static final String VIDEO = "<|vision_start|><|video_pad|><|vision_end|>";

  @Override
  public String apply(String question, int images) {
    return turns(IMAGE.repeat(images) + question);
  }

  /** One video's span before the question (lmms-eval's video content item). */
  @Override
  public String applyVideo(String question) {
    return turns(VIDEO + question);
  }

  private static String turns(String user) {
    return "<|im_start|>system\n"
        + SYSTEM
        + "<|im_end|>\n<|im_start|>user\n"
        + user
        + "<|im_end|>\n<|im_start|>assistant\n";
  }
}

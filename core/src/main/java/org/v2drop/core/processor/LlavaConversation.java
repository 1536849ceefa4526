package org.v2drop.core.processor;

import java.util.Collections;
import org.v2drop.core.bench.ChatTemplate;

/**
 * The LLaVA-1.5 (vicuna_v1) conversation template, as lmms-eval's llava model builds it: {@code
 * SYSTEM USER: <image> <image>\n{question} ASSISTANT:} (placeholders joined by spaces).
 *
 * @param imageToken the processor's image placeholder
 */
public record LlavaConversation(String imageToken) implements ChatTemplate {
  public static final String SYSTEM =
      "A chat between a curious human and an artificial intelligence assistant. "
          + "The assistant gives helpful, detailed, and polite answers to the human's questions.";

  /** The template with LLaVA's default placeholder {@code <image>}. */
  public static final LlavaConversation DEFAULT = new LlavaConversation("<image>");

  @Override
  public String apply(String question, int images) {
    StringBuilder user = new StringBuilder();
    if (images > 0) {
      user.append(String.join(" ", Collections.nCopies(images, imageToken))).append('\n');
    }
    user.append(question);
    return SYSTEM + " USER: " + user + " ASSISTANT:";
  }
}

package org.v2drop.core.bench;

/** The LLaVA-1.5 (vicuna_v1) conversation template, as lmms-eval's llava model builds it. */
public final class Conversation {
  public static final String SYSTEM =
      "A chat between a curious human and an artificial intelligence assistant. "
          + "The assistant gives helpful, detailed, and polite answers to the human's questions.";
  public static final String IMAGE_TOKEN = "<image>";

  private Conversation() {}

  /**
   * {@code SYSTEM USER: <image> <image>\n{question} ASSISTANT:} (image tokens joined by spaces).
   */
  public static String llava15(String question, int images) {
    StringBuilder user = new StringBuilder();
    if (images > 0) {
      user.append(String.join(" ", java.util.Collections.nCopies(images, IMAGE_TOKEN)))
          .append('\n');
    }
    user.append(question);
    return SYSTEM + " USER: " + user + " ASSISTANT:";
  }
}

package org.v2drop.core.bench;

/**
 * How a model family wraps a task's question and its images into the prompt text its processor
 * receives (lmms-eval builds it per model: LLaVA-1.5 uses the vicuna_v1 conversation). The
 * benchmark supplies the question, the model family the template.
 */
@FunctionalInterface
public interface ChatTemplate {
  /**
   * The full prompt for {@code question} asked about {@code images} images, placeholders included.
   */
  String apply(String question, int images);

  /**
   * The full prompt for {@code question} asked about one video, or null when the family takes no
   * video input and a video's frames go in as images (LLaVA-1.5, as lmms-eval's llava model feeds
   * them).
   */
  default String applyVideo(String question) {
    return null;
  }
}

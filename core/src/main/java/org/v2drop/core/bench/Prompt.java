package org.v2drop.core.bench;

import java.util.List;

/**
 * What the model is asked for one sample: the prompt text as the processor receives it (chat
 * template and image placeholders included) and the sample's encoded images, one per placeholder,
 * in order.
 *
 * @param source names the sample in errors (benchmark and sample id)
 */
public record Prompt(String text, List<byte[]> images, String source) {
  public Prompt {
    images = List.copyOf(images);
  }
}

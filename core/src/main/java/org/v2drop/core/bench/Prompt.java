package org.v2drop.core.bench;

import java.util.List;
import org.v2drop.core.processor.Visual;

/**
 * What the model is asked for one sample: the prompt text as the processor receives it (chat
 * template and image placeholders included), the sample's images, one per image placeholder, in
 * order, and its videos (each its frames, in order), one per video placeholder of a family that
 * takes video input.
 *
 * @param source names the sample in errors (benchmark and sample id)
 */
public record Prompt(String text, List<Visual> images, List<List<Visual>> videos, String source) {
  public Prompt {
    images = List.copyOf(images);
    videos = videos.stream().map(List::copyOf).toList();
  }

  /** A prompt of images only. */
  public Prompt(String text, List<Visual> images, String source) {
    this(text, images, List.of(), source);
  }

  /** A prompt of encoded images only (as datasets store them). */
  public static Prompt ofEncoded(String text, List<byte[]> images, String source) {
    return new Prompt(text, images.stream().map(Visual::encoded).toList(), source);
  }
}

package org.v2drop.core.bench;

import java.util.List;

/**
 * What the model is asked for one sample: the prompt text as the processor receives it (chat
 * template and image placeholders included), the sample's encoded images, one per image
 * placeholder, in order, and its videos (each its encoded frames, in order), one per video
 * placeholder of a family that takes video input.
 *
 * @param source names the sample in errors (benchmark and sample id)
 */
public record Prompt(String text, List<byte[]> images, List<List<byte[]>> videos, String source) {
  public Prompt {
    images = List.copyOf(images);
    videos = videos.stream().map(List::copyOf).toList();
  }

  /** A prompt of images only. */
  public Prompt(String text, List<byte[]> images, String source) {
    this(text, images, List.of(), source);
  }
}

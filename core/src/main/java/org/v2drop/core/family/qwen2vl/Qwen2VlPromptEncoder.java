package org.v2drop.core.family.qwen2vl;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * A prompt and its images → model input, as HF's Qwen2-VL processor makes it: each {@code
 * <|image_pad|>} takes the next image and is repeated once per merged patch of it ({@code t·h·w /
 * merge²}), the text is tokenized as written (special tokens included, no BOS), and the three-row
 * M-RoPE position ids and decode delta come from {@link MropePositions}.
 */
final class Qwen2VlPromptEncoder {
  static final String IMAGE_PAD = "<|image_pad|>";

  private final TextTokenizer tokenizer;
  private final Qwen2VlImageProcessor processor;
  private final Qwen2VlConfig config;

  Qwen2VlPromptEncoder(
      TextTokenizer tokenizer, Qwen2VlImageProcessor processor, Qwen2VlConfig config) {
    this.tokenizer = tokenizer;
    this.processor = processor;
    this.config = config;
  }

  EncodedInput encode(String prompt, List<RgbImage> images, String sampleId) {
    int placeholders = count(prompt, IMAGE_PAD);
    if (placeholders != images.size()) {
      throw new IllegalArgumentException(
          "the prompt has "
              + placeholders
              + " '"
              + IMAGE_PAD
              + "' placeholder(s) but "
              + images.size()
              + " image(s) were given; give one image per placeholder");
    }
    int unit = config.vision().mergeSize() * config.vision().mergeSize();
    List<Qwen2VlImageProcessor.Patches> patches = processor.process(images);
    StringBuilder expanded = new StringBuilder();
    int from = 0;
    for (Qwen2VlImageProcessor.Patches p : patches) {
      int at = prompt.indexOf(IMAGE_PAD, from);
      expanded.append(prompt, from, at).append(IMAGE_PAD.repeat(p.rows() / unit));
      from = at + IMAGE_PAD.length();
    }
    expanded.append(prompt, from, prompt.length());
    return assemble(tokenizer.encode(expanded.toString()), patches, sampleId);
  }

  /**
   * Model input from token ids whose image spans are already expanded and the images' patches, in
   * prompt order.
   */
  EncodedInput assemble(long[] ids, List<Qwen2VlImageProcessor.Patches> patches, String sampleId) {
    int unit = config.vision().mergeSize() * config.vision().mergeSize();
    List<int[]> grids = new ArrayList<>();
    int values = 0;
    for (Qwen2VlImageProcessor.Patches p : patches) {
      grids.add(new int[] {p.gridT(), p.gridH(), p.gridW()});
      values += p.values().length;
    }
    int[] types = new int[ids.length];
    int visionTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == config.imageTokenId()) {
        types[i] = MropePositions.IMAGE;
        visionTokens++;
      } else if (ids[i] == config.videoTokenId()) {
        throw new IllegalArgumentException(
            "the prompt holds '<|video_pad|>' but no video was given");
      }
    }
    int expected = grids.stream().mapToInt(g -> g[0] * g[1] * g[2] / unit).sum();
    if (visionTokens != expected) {
      throw new IllegalArgumentException(
          "the tokenized prompt holds "
              + visionTokens
              + " image tokens but its images give "
              + expected
              + " features; the tokenizer must keep '"
              + IMAGE_PAD
              + "' as one special token");
    }
    float[] pixels = new float[values];
    int offset = 0;
    for (Qwen2VlImageProcessor.Patches p : patches) {
      System.arraycopy(p.values(), 0, pixels, offset, p.values().length);
      offset += p.values().length;
    }
    MropePositions.Result rope =
        MropePositions.of(
            types,
            grids,
            List.of(),
            null,
            config.vision().mergeSize(),
            config.vision().tokensPerSecond());
    return new EncodedInput(
        ids,
        EncodedInput.positionsOf(ids, config.imageTokenId()),
        pixels,
        patches.size(),
        0,
        0,
        sampleId,
        grids,
        rope.rows(),
        rope.delta());
  }

  /** The tokenizer's ids of {@code text} as written. */
  long[] tokenize(String text) {
    return tokenizer.encode(text);
  }

  /** The image processor. */
  Qwen2VlImageProcessor processor() {
    return processor;
  }

  private static int count(String text, String token) {
    int n = 0;
    for (int at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length())) {
      n++;
    }
    return n;
  }
}

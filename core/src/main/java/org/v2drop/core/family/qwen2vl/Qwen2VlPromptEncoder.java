package org.v2drop.core.family.qwen2vl;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * A prompt, its images and its videos → model input, as HF's Qwen2-VL / Qwen2.5-VL processor makes
 * it: each {@code <|image_pad|>} takes the next image and each {@code <|video_pad|>} the next video
 * (a list of frames), and is repeated once per merged patch of it ({@code t·h·w / merge²}); the
 * text is tokenized as written (special tokens included, no BOS); the three-row M-RoPE position ids
 * and decode delta come from {@link MropePositions}, a Qwen2.5-VL video's temporal ids spaced by
 * {@code tokens_per_second × int(temporal_patch_size / fps)}.
 */
final class Qwen2VlPromptEncoder {
  static final String IMAGE_PAD = "<|image_pad|>";
  static final String VIDEO_PAD = "<|video_pad|>";

  /**
   * The frame rate assumed for a video given as frames (qwen-vl-utils' default sampling rate, the
   * one lmms-eval's Qwen models pass): only Qwen2.5-VL's temporal position ids use it.
   */
  static final double VIDEO_FPS = 2.0;

  private final TextTokenizer tokenizer;
  private final Qwen2VlImageProcessor processor;
  private final Qwen2VlConfig config;

  Qwen2VlPromptEncoder(
      TextTokenizer tokenizer, Qwen2VlImageProcessor processor, Qwen2VlConfig config) {
    this.tokenizer = tokenizer;
    this.processor = processor;
    this.config = config;
  }

  /** One image or video of a prompt, processed, in prompt order. */
  record Visual(Qwen2VlImageProcessor.Patches patches, boolean video) {}

  EncodedInput encode(
      String prompt, List<RgbImage> images, List<List<RgbImage>> videos, String sampleId) {
    check(prompt, IMAGE_PAD, images.size(), "image(s)", "image");
    check(prompt, VIDEO_PAD, videos.size(), "video(s)", "video (its frames)");
    int unit = config.vision().mergeSize() * config.vision().mergeSize();
    List<Visual> visuals = new ArrayList<>();
    StringBuilder expanded = new StringBuilder();
    int from = 0;
    int nextImage = 0;
    int nextVideo = 0;
    while (true) {
      int image = prompt.indexOf(IMAGE_PAD, from);
      int video = prompt.indexOf(VIDEO_PAD, from);
      if (image < 0 && video < 0) {
        break;
      }
      boolean isVideo = image < 0 || (video >= 0 && video < image);
      int at = isVideo ? video : image;
      String pad = isVideo ? VIDEO_PAD : IMAGE_PAD;
      Qwen2VlImageProcessor.Patches p =
          isVideo
              ? processor.processVideo(videos.get(nextVideo++))
              : processor.process(images.get(nextImage++));
      visuals.add(new Visual(p, isVideo));
      expanded.append(prompt, from, at).append(pad.repeat(p.rows() / unit));
      from = at + pad.length();
    }
    expanded.append(prompt, from, prompt.length());
    return assemble(tokenizer.encode(expanded.toString()), visuals, sampleId);
  }

  private static void check(String prompt, String pad, int given, String what, String one) {
    int placeholders = count(prompt, pad);
    if (placeholders != given) {
      throw new IllegalArgumentException(
          "the prompt has "
              + placeholders
              + " '"
              + pad
              + "' placeholder(s) but "
              + given
              + " "
              + what
              + " were given; give one "
              + one
              + " per placeholder");
    }
  }

  /**
   * Model input from token ids whose image and video spans are already expanded and the visuals'
   * patches, in prompt order.
   */
  EncodedInput assemble(long[] ids, List<Visual> visuals, String sampleId) {
    int unit = config.vision().mergeSize() * config.vision().mergeSize();
    List<int[]> grids = new ArrayList<>(); // prompt order, what the tower runs
    List<int[]> imageGrids = new ArrayList<>();
    List<int[]> videoGrids = new ArrayList<>();
    int values = 0;
    int expectedImage = 0;
    int expectedVideo = 0;
    for (Visual v : visuals) {
      Qwen2VlImageProcessor.Patches p = v.patches();
      int[] g = {p.gridT(), p.gridH(), p.gridW()};
      grids.add(g);
      (v.video() ? videoGrids : imageGrids).add(g);
      if (v.video()) {
        expectedVideo += p.rows() / unit;
      } else {
        expectedImage += p.rows() / unit;
      }
      values += p.values().length;
    }
    int[] types = new int[ids.length];
    int imageTokens = 0;
    int videoTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == config.imageTokenId()) {
        types[i] = MropePositions.IMAGE;
        imageTokens++;
      } else if (ids[i] == config.videoTokenId()) {
        types[i] = MropePositions.VIDEO;
        videoTokens++;
      }
    }
    if (imageTokens != expectedImage || videoTokens != expectedVideo) {
      throw new IllegalArgumentException(
          "the tokenized prompt holds "
              + imageTokens
              + " image and "
              + videoTokens
              + " video tokens but its images give "
              + expectedImage
              + " and its videos "
              + expectedVideo
              + " features; the tokenizer must keep '"
              + IMAGE_PAD
              + "' and '"
              + VIDEO_PAD
              + "' as single special tokens");
    }
    float[] pixels = new float[values];
    int offset = 0;
    for (Visual v : visuals) {
      float[] p = v.patches().values();
      System.arraycopy(p, 0, pixels, offset, p.length);
      offset += p.length;
    }
    double[] secondsPerGrid = null;
    if (config.isQwen25()) {
      secondsPerGrid = new double[videoGrids.size()];
      java.util.Arrays.fill(
          secondsPerGrid, processor.videoSettings().temporalPatchSize() / VIDEO_FPS);
    }
    MropePositions.Result rope =
        MropePositions.of(
            types,
            imageGrids,
            videoGrids,
            secondsPerGrid,
            config.vision().mergeSize(),
            config.vision().tokensPerSecond());
    long[] vision = new long[imageTokens + videoTokens];
    for (int i = 0, j = 0; i < ids.length; i++) {
      if (types[i] != MropePositions.TEXT) {
        vision[j++] = i;
      }
    }
    return new EncodedInput(
        ids, vision, pixels, imageGrids.size(), 0, 0, sampleId, grids, rope.rows(), rope.delta());
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

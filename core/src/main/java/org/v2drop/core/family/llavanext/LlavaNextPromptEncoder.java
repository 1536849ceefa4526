package org.v2drop.core.family.llavanext;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;

/**
 * HF's {@code LlavaNextProcessor}: each {@code <image>} expanded to its own image's token count
 * ({@link AnyRes#imageTokens}), the images' tiles one after another ({@link
 * LlavaNextImageProcessor}), and per image {tiles, height, width} as its vision grid.
 */
final class LlavaNextPromptEncoder {
  private final TextTokenizer tokenizer;
  private final LlavaNextImageProcessor images;
  private final ImageProcessorConfig config;
  private final long imageTokenId;
  private final boolean dropCls;

  LlavaNextPromptEncoder(
      TextTokenizer tokenizer,
      ImageProcessorConfig config,
      List<int[]> pinpoints,
      long imageTokenId,
      boolean dropCls) {
    this.tokenizer = tokenizer;
    this.config = config;
    this.images = new LlavaNextImageProcessor(config, pinpoints);
    this.imageTokenId = imageTokenId;
    this.dropCls = dropCls;
  }

  EncodedInput encode(String prompt, List<RgbImage> imageList, String sampleId) {
    String token = config.imageToken();
    String[] parts = prompt.split(java.util.regex.Pattern.quote(token), -1);
    if (parts.length - 1 != imageList.size()) {
      throw new IllegalArgumentException(
          "the prompt has "
              + (parts.length - 1)
              + " '"
              + token
              + "' placeholder(s) but "
              + imageList.size()
              + " image(s) were given; give one image per placeholder");
    }
    int tile = images.tile();
    StringBuilder expanded = new StringBuilder(parts[0]);
    List<float[]> tiles = new ArrayList<>();
    List<int[]> grids = new ArrayList<>();
    for (int i = 0; i < imageList.size(); i++) {
      RgbImage img = imageList.get(i);
      int n =
          AnyRes.imageTokens(
              img.height(),
              img.width(),
              images.pinpoints(),
              tile,
              config.patchSize(),
              config.numAdditionalImageTokens(),
              dropCls);
      expanded.append(token.repeat(n)).append(parts[i + 1]);
      List<float[]> t = images.process(img);
      tiles.addAll(t);
      grids.add(new int[] {t.size(), img.height(), img.width()});
    }
    long[] ids = tokenizer.encode(expanded.toString());
    int per = 3 * tile * tile;
    float[] pixels = new float[tiles.size() * per];
    for (int t = 0; t < tiles.size(); t++) {
      System.arraycopy(tiles.get(t), 0, pixels, t * per, per);
    }
    return new EncodedInput(
        ids,
        EncodedInput.positionsOf(ids, imageTokenId),
        pixels,
        tiles.size(),
        tile,
        tile,
        sampleId,
        grids,
        new long[][] {EncodedInput.iota(ids.length)},
        0);
  }
}

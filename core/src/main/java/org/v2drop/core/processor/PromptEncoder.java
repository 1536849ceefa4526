package org.v2drop.core.processor;

import java.util.List;

/**
 * LlavaProcessor: preprocesses the images and expands each image placeholder in the text into the
 * image's tokens before tokenizing. The prompt is taken as written (no chat template added here).
 */
public final class PromptEncoder {
  private final TextTokenizer tokenizer;
  private final ImageProcessor images;
  private final int tokensPerImage;

  private final long imageTokenId;

  public PromptEncoder(
      TextTokenizer tokenizer, ImageProcessor images, int tokensPerImage, long imageTokenId) {
    this.tokenizer = tokenizer;
    this.images = images;
    this.tokensPerImage = tokensPerImage;
    this.imageTokenId = imageTokenId;
  }

  /** Encodes {@code prompt} with one image per placeholder, in order. */
  public EncodedInput encode(String prompt, List<RgbImage> imageList, String sampleId) {
    String token = images.config().imageToken();
    int placeholders = count(prompt, token);
    if (placeholders != imageList.size()) {
      throw new IllegalArgumentException(
          "the prompt has "
              + placeholders
              + " '"
              + token
              + "' placeholder(s) but "
              + imageList.size()
              + " image(s) were given; give one image per placeholder");
    }
    String expanded = prompt.replace(token, token.repeat(tokensPerImage));
    long[] ids = tokenizer.encode(expanded);
    int h = images.config().cropHeight();
    int w = images.config().cropWidth();
    float[] pixels = new float[imageList.size() * 3 * h * w];
    for (int i = 0; i < imageList.size(); i++) {
      float[] p = images.preprocess(imageList.get(i));
      if (p.length != 3 * h * w) {
        throw new IllegalArgumentException(
            "image "
                + i
                + " preprocessed to "
                + p.length
                + " values, expected "
                + (3 * h * w)
                + " (check do_center_crop / size in the processor config)");
      }
      System.arraycopy(p, 0, pixels, i * p.length, p.length);
    }
    return new EncodedInput(
        ids, EncodedInput.positionsOf(ids, imageTokenId), pixels, imageList.size(), h, w, sampleId);
  }

  private static int count(String text, String token) {
    int n = 0;
    for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
      n++;
    }
    return n;
  }
}

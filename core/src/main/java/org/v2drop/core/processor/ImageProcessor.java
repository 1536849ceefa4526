package org.v2drop.core.processor;

/**
 * CLIPImageProcessor semantics (PIL backend): optional pad-to-square with the mean colour
 * (LlavaImageProcessor), resize of the shortest edge with PIL bicubic, center crop, rescale,
 * normalize. Output is (3, cropH, cropW) fp32.
 */
public final class ImageProcessor {
  private final ImageProcessorConfig c;

  public ImageProcessor(ImageProcessorConfig config) {
    this.c = config;
  }

  public ImageProcessorConfig config() {
    return c;
  }

  /** Pixel values (3, height, width) row-major. */
  public float[] preprocess(RgbImage image) {
    RgbImage img = image;
    if (c.doPad()) {
      img = padToSquare(img, c.mean());
    }
    if (c.doResize()) {
      int[] hw = resizeTarget(img.height(), img.width());
      img = PilResize.bicubic(img, hw[1], hw[0]);
    }
    if (c.doCenterCrop()) {
      img = centerCrop(img, c.cropHeight(), c.cropWidth());
    }
    return normalize(img);
  }

  /** HF get_resize_output_image_size (default_to_square=False): (height, width). */
  int[] resizeTarget(int height, int width) {
    if (c.shortestEdge() == 0) {
      return new int[] {c.resizeHeight(), c.resizeWidth()};
    }
    int shortSide = Math.min(height, width);
    int longSide = Math.max(height, width);
    int newShort = c.shortestEdge();
    int newLong = (int) ((double) (newShort * longSide) / shortSide);
    return width <= height ? new int[] {newLong, newShort} : new int[] {newShort, newLong};
  }

  /** Pads with {@code int(mean * 255)} per channel, centering the image along its short side. */
  static RgbImage padToSquare(RgbImage img, float[] mean) {
    int w = img.width();
    int h = img.height();
    if (w == h) {
      return img;
    }
    int size = Math.max(w, h);
    byte[] out = new byte[3 * size * size];
    int top = w > h ? (size - h) / 2 : 0;
    int left = w > h ? 0 : (size - w) / 2;
    for (int ch = 0; ch < 3; ch++) {
      byte bg = (byte) (int) (mean[ch] * 255.0);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int sy = y - top;
          int sx = x - left;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          out[(ch * size + y) * size + x] = inside ? (byte) img.at(ch, sy, sx) : bg;
        }
      }
    }
    return new RgbImage(size, size, out);
  }

  /**
   * HF center_crop: top = (h - ch) // 2, left = (w - cw) // 2, zero padding when the image is
   * smaller.
   */
  static RgbImage centerCrop(RgbImage img, int cropH, int cropW) {
    int h = img.height();
    int w = img.width();
    int newH = Math.max(cropH, h);
    int newW = Math.max(cropW, w);
    int topPad = (newH - h + 1) / 2;
    int leftPad = (newW - w + 1) / 2;
    int top = Math.floorDiv(h - cropH, 2) + topPad;
    int left = Math.floorDiv(w - cropW, 2) + leftPad;
    byte[] out = new byte[3 * cropH * cropW];
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < cropH; y++) {
        for (int x = 0; x < cropW; x++) {
          int sy = top + y - topPad;
          int sx = left + x - leftPad;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          out[(ch * cropH + y) * cropW + x] = inside ? (byte) img.at(ch, sy, sx) : 0;
        }
      }
    }
    return new RgbImage(cropW, cropH, out);
  }

  private float[] normalize(RgbImage img) {
    return rescaleNormalize(
        img, c.doRescale(), c.rescaleFactor(), c.doNormalize(), c.mean(), c.std());
  }

  /**
   * HF's rescale (a float64 multiply rounded to float32) then normalize ({@code (v - mean) / std}
   * in float32), per channel.
   *
   * @return (3, height, width) row-major
   */
  public static float[] rescaleNormalize(
      RgbImage img,
      boolean doRescale,
      double rescaleFactor,
      boolean doNormalize,
      float[] mean,
      float[] std) {
    int n = img.width() * img.height();
    float[] out = new float[3 * n];
    for (int ch = 0; ch < 3; ch++) {
      for (int i = 0; i < n; i++) {
        float v = img.pixels()[ch * n + i] & 0xFF;
        if (doRescale) {
          v = (float) (v * rescaleFactor); // float64 multiply, then float32 (np_rescale)
        }
        if (doNormalize) {
          v = (v - mean[ch]) / std[ch];
        }
        out[ch * n + i] = v;
      }
    }
    return out;
  }
}

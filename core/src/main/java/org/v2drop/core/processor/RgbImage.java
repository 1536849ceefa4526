package org.v2drop.core.processor;

/**
 * An 8-bit RGB image, channels first.
 *
 * @param pixels (3, height, width) as unsigned bytes, row-major per channel
 */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0 || pixels.length != 3 * width * height) {
      throw new IllegalArgumentException(
          "RGB image "
              + width
              + "x"
              + height
              + " needs "
              + (3L * width * height)
              + " bytes, found "
              + pixels.length);
    }
  }

  /** Unsigned value of channel c at (y, x). */
  public int at(int c, int y, int x) {
    return pixels[(c * height + y) * width + x] & 0xFF;
  }
}

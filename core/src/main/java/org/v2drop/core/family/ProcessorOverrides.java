package org.v2drop.core.family;

import java.io.Serializable;

/**
 * A sweep model's overrides of its checkpoint's image processor: the pixel bounds a
 * dynamic-resolution family scales images (and video frames) into, as lmms-eval's Qwen models take
 * {@code min_pixels} / {@code max_pixels}. 0 keeps the checkpoint's value.
 */
public record ProcessorOverrides(int minPixels, int maxPixels) implements Serializable {
  /** No override: the checkpoint's processor settings. */
  public static final ProcessorOverrides NONE = new ProcessorOverrides(0, 0);

  public ProcessorOverrides {
    if (minPixels < 0
        || maxPixels < 0
        || (minPixels > 0 && maxPixels > 0 && minPixels > maxPixels)) {
      throw new IllegalArgumentException(
          "min_pixels and max_pixels must be positive with min_pixels <= max_pixels, found "
              + minPixels
              + " and "
              + maxPixels);
    }
  }

  /** Whether nothing is overridden. */
  public boolean isEmpty() {
    return minPixels == 0 && maxPixels == 0;
  }

  @Override
  public String toString() {
    return isEmpty()
        ? "the checkpoint's"
        : "min_pixels "
            + (minPixels == 0 ? "(checkpoint's)" : minPixels)
            + ", max_pixels "
            + (maxPixels == 0 ? "(checkpoint's)" : maxPixels);
  }
}

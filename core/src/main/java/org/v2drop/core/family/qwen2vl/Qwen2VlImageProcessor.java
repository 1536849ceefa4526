package org.v2drop.core.family.qwen2vl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.JsonFiles;
import org.v2drop.core.processor.ImageProcessor;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.PilResize;
import org.v2drop.core.processor.RgbImage;

/**
 * Qwen2-VL's (and Qwen2.5-VL's) image processor as HF's PIL backend runs it ({@code
 * Qwen2VLImageProcessorPil}): {@link #smartResize} to sides that are multiples of {@code patch *
 * merge} within [min_pixels, max_pixels], PIL bicubic, rescale and normalize, then the image
 * repeated over the {@code temporal_patch_size} frames of a temporal patch and flattened into
 * patches in merge-block order: for each (merge-block row, merge-block column, row in block, column
 * in block) one row of {@code channel x temporal x patch x patch} values.
 */
public final class Qwen2VlImageProcessor {
  private static final int PIL_BICUBIC = 3;

  private final Settings s;

  /**
   * The processor's settings.
   *
   * @param minPixels {@code size.shortest_edge} (or the older top-level {@code min_pixels})
   * @param maxPixels {@code size.longest_edge} (or {@code max_pixels})
   */
  public record Settings(
      int minPixels,
      int maxPixels,
      int patchSize,
      int temporalPatchSize,
      int mergeSize,
      boolean doResize,
      boolean doRescale,
      double rescaleFactor,
      boolean doNormalize,
      float[] mean,
      float[] std) {}

  /** One image's patches. */
  public record Patches(float[] values, int gridT, int gridH, int gridW) {
    /** Rows: {@code gridT * gridH * gridW} patches. */
    public int rows() {
      return gridT * gridH * gridW;
    }
  }

  public Qwen2VlImageProcessor(Settings settings) {
    this.s = settings;
  }

  public Settings settings() {
    return s;
  }

  /**
   * Reads the checkpoint's image processor settings ({@code preprocessor_config.json}, or the
   * nested {@code processor_config.json}: {@link ImageProcessorConfig#locate}); top-level
   * min/max_pixels win over size.
   */
  public static Qwen2VlImageProcessor load(Path dir) {
    ImageProcessorConfig.Located at = ImageProcessorConfig.locate(dir);
    Path file = at.file();
    JsonNode n = at.image();
    int resample = JsonFiles.optInt(n, "resample", PIL_BICUBIC, file);
    if (resample != PIL_BICUBIC) {
      throw new CheckpointException(
          file + ": resample " + resample + " is not supported; expected 3 (bicubic)");
    }
    JsonNode size = n.path("size");
    int min = size.isObject() ? JsonFiles.optInt(size, "shortest_edge", 56 * 56, file) : 56 * 56;
    int max =
        size.isObject()
            ? JsonFiles.optInt(size, "longest_edge", 28 * 28 * 1280, file)
            : 28 * 28 * 1280;
    min = JsonFiles.optInt(n, "min_pixels", min, file);
    max = JsonFiles.optInt(n, "max_pixels", max, file);
    int patch = JsonFiles.optInt(n, "patch_size", 14, file);
    int temporal = JsonFiles.optInt(n, "temporal_patch_size", 2, file);
    int merge = JsonFiles.optInt(n, "merge_size", 2, file);
    if (min < 1 || max < min || patch < 1 || temporal < 1 || merge < 1) {
      throw new CheckpointException(
          file
              + ": needs 1 <= min_pixels <= max_pixels and positive patch_size, temporal_patch_size"
              + " and merge_size, found min_pixels "
              + min
              + ", max_pixels "
              + max
              + ", patch_size "
              + patch
              + ", temporal_patch_size "
              + temporal
              + ", merge_size "
              + merge);
    }
    return new Qwen2VlImageProcessor(
        new Settings(
            min,
            max,
            patch,
            temporal,
            merge,
            n.path("do_resize").asBoolean(true),
            n.path("do_rescale").asBoolean(true),
            JsonFiles.optDouble(n, "rescale_factor", 1 / 255.0, file),
            n.path("do_normalize").asBoolean(true),
            ImageProcessorConfig.floats(
                n, "image_mean", new float[] {0.48145466f, 0.4578275f, 0.40821073f}, file),
            ImageProcessorConfig.floats(
                n, "image_std", new float[] {0.26862954f, 0.26130258f, 0.27577711f}, file)));
  }

  /**
   * HF's {@code smart_resize}: each side rounded (half to even, as Python's round) to a multiple of
   * {@code factor}; when that holds more than {@code maxPixels} both sides are scaled down by the
   * same factor and floored, when fewer than {@code minPixels} scaled up and ceiled.
   *
   * @return {height, width}
   */
  public static int[] smartResize(int height, int width, int factor, int minPixels, int maxPixels) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("an image of " + width + "x" + height + " has no pixels");
    }
    if ((double) Math.max(height, width) / Math.min(height, width) > 200) {
      throw new IllegalArgumentException(
          "absolute aspect ratio must be smaller than 200, got "
              + (double) Math.max(height, width) / Math.min(height, width)
              + " ("
              + width
              + "x"
              + height
              + ")");
    }
    long h = (long) Math.rint((double) height / factor) * factor;
    long w = (long) Math.rint((double) width / factor) * factor;
    if (h * w > maxPixels) {
      double beta = Math.sqrt((double) height * width / maxPixels);
      h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
      w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
    } else if (h * w < minPixels) {
      double beta = Math.sqrt((double) minPixels / ((double) height * width));
      h = (long) Math.ceil(height * beta / factor) * factor;
      w = (long) Math.ceil(width * beta / factor) * factor;
    }
    return new int[] {(int) h, (int) w};
  }

  /** One image's patches ({@link Patches}). */
  public Patches process(RgbImage image) {
    RgbImage img = image;
    int factor = s.patchSize() * s.mergeSize();
    if (s.doResize()) {
      int[] hw = smartResize(image.height(), image.width(), factor, s.minPixels(), s.maxPixels());
      img = PilResize.bicubic(image, hw[1], hw[0]);
    } else if (image.height() % factor != 0 || image.width() % factor != 0) {
      throw new IllegalArgumentException(
          "do_resize is false but the image is "
              + image.width()
              + "x"
              + image.height()
              + ", not a multiple of "
              + factor);
    }
    float[] plane = // (3, h, w)
        ImageProcessor.rescaleNormalize(
            img, s.doRescale(), s.rescaleFactor(), s.doNormalize(), s.mean(), s.std());
    int p = s.patchSize();
    int m = s.mergeSize();
    int t = s.temporalPatchSize();
    int gh = img.height() / p;
    int gw = img.width() / p;
    int rowLength = 3 * t * p * p;
    float[] out = new float[gh * gw * rowLength];
    int row = 0;
    for (int bh = 0; bh < gh / m; bh++) {
      for (int bw = 0; bw < gw / m; bw++) {
        for (int ih = 0; ih < m; ih++) {
          for (int iw = 0; iw < m; iw++) {
            int y0 = (bh * m + ih) * p;
            int x0 = (bw * m + iw) * p;
            int o = row * rowLength;
            for (int c = 0; c < 3; c++) {
              for (int f = 0; f < t; f++) { // the same frame in every temporal slot
                for (int y = 0; y < p; y++) {
                  System.arraycopy(
                      plane,
                      (c * img.height() + y0 + y) * img.width() + x0,
                      out,
                      o + ((c * t + f) * p + y) * p,
                      p);
                }
              }
            }
            row++;
          }
        }
      }
    }
    return new Patches(out, 1, gh, gw);
  }

  /** Several images' patches, each its own grid, one after the other (HF's pixel_values). */
  public List<Patches> process(List<RgbImage> images) {
    return images.stream().map(this::process).toList();
  }
}

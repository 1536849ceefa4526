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
  private final Settings video;

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

  /** A processor whose videos use the image settings. */
  public Qwen2VlImageProcessor(Settings settings) {
    this(settings, settings);
  }

  /**
   * @param video the video processor's settings (its own min/max pixels; HF's {@code
   *     Qwen2VLVideoProcessor})
   */
  public Qwen2VlImageProcessor(Settings settings, Settings video) {
    this.s = settings;
    this.video = video;
  }

  public Settings settings() {
    return s;
  }

  /**
   * This processor with the images' and videos' pixel bounds overridden where {@code o} sets them
   * (as lmms-eval hands its {@code min_pixels} / {@code max_pixels} to both); refused when the
   * result has min above max.
   */
  public Qwen2VlImageProcessor withPixels(org.v2drop.core.family.ProcessorOverrides o) {
    if (o.isEmpty()) {
      return this;
    }
    return new Qwen2VlImageProcessor(withPixels(s, o), withPixels(video, o));
  }

  private static Settings withPixels(Settings st, org.v2drop.core.family.ProcessorOverrides o) {
    int min = o.minPixels() > 0 ? o.minPixels() : st.minPixels();
    int max = o.maxPixels() > 0 ? o.maxPixels() : st.maxPixels();
    if (min > max) {
      throw new IllegalArgumentException(
          "min_pixels "
              + min
              + " is above max_pixels "
              + max
              + " once the overrides ("
              + o
              + ") meet the checkpoint's settings");
    }
    return new Settings(
        min,
        max,
        st.patchSize(),
        st.temporalPatchSize(),
        st.mergeSize(),
        st.doResize(),
        st.doRescale(),
        st.rescaleFactor(),
        st.doNormalize(),
        st.mean(),
        st.std());
  }

  /** The video processor's settings. */
  public Settings videoSettings() {
    return video;
  }

  /**
   * Reads the checkpoint's image processor settings ({@code preprocessor_config.json}, or the
   * nested {@code processor_config.json}: {@link ImageProcessorConfig#locate}); top-level
   * min/max_pixels win over size.
   */
  public static Qwen2VlImageProcessor load(Path dir) {
    ImageProcessorConfig.Located at = ImageProcessorConfig.locate(dir);
    Settings image = settings(at.image(), at.file(), 56 * 56, 28 * 28 * 1280);
    // the video processor: transformers 5's nested object, the Hub's own file, or its defaults
    Path videoFile = dir.resolve(VIDEO_PREPROCESSOR);
    JsonNode videoNode = null;
    Path videoFrom = videoFile;
    if (at.processor() != null && at.processor().path("video_processor").isObject()) {
      videoNode = at.processor().get("video_processor");
      videoFrom = dir.resolve(ImageProcessorConfig.PROCESSOR);
    } else if (java.nio.file.Files.isRegularFile(videoFile)) {
      videoNode = JsonFiles.readObject(videoFile);
    }
    Settings video =
        videoNode == null
            ? new Settings(
                128 * 28 * 28,
                28 * 28 * 768,
                image.patchSize(),
                image.temporalPatchSize(),
                image.mergeSize(),
                image.doResize(),
                image.doRescale(),
                image.rescaleFactor(),
                image.doNormalize(),
                image.mean(),
                image.std())
            : settings(videoNode, videoFrom, 128 * 28 * 28, 28 * 28 * 768);
    return new Qwen2VlImageProcessor(image, video);
  }

  /** The Hub checkpoints' video processor file. */
  public static final String VIDEO_PREPROCESSOR = "video_preprocessor_config.json";

  private static Settings settings(JsonNode n, Path file, int defaultMin, int defaultMax) {
    int resample = JsonFiles.optInt(n, "resample", PIL_BICUBIC, file);
    if (resample != PIL_BICUBIC) {
      throw new CheckpointException(
          file + ": resample " + resample + " is not supported; expected 3 (bicubic)");
    }
    JsonNode size = n.path("size");
    int min =
        size.isObject() ? JsonFiles.optInt(size, "shortest_edge", defaultMin, file) : defaultMin;
    int max =
        size.isObject() ? JsonFiles.optInt(size, "longest_edge", defaultMax, file) : defaultMax;
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
    return new Settings(
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
            n, "image_std", new float[] {0.26862954f, 0.26130258f, 0.27577711f}, file));
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

  /** One image's patches ({@link Patches}): the image in every temporal slot of one patch. */
  public Patches process(RgbImage image) {
    int[] hw = resized(image, s);
    float[] plane = normalized(image, hw[1], hw[0], s);
    return patchify(java.util.Collections.nCopies(s.temporalPatchSize(), plane), hw[0], hw[1], s);
  }

  /**
   * One video's patches as HF's video processor makes them from a list of frames (all of one size;
   * used as given, no sampling): each frame resized to the video's smart-resized size, rescaled and
   * normalized, the last frame repeated until the count is a multiple of {@code
   * temporal_patch_size}, then consecutive frames paired into temporal patches: grid {@code (frames
   * / temporal, h / patch, w / patch)}.
   *
   * <p>HF resizes video frames with torchvision's bicubic, this with PIL's (as for images): the two
   * differ by at most one uint8 level on some pixels; frames already at a valid size are not
   * resized by either, and their values equal HF's bit for bit.
   */
  public Patches processVideo(List<RgbImage> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a video needs at least one frame");
    }
    RgbImage first = frames.get(0);
    int[] hw = resized(first, video);
    List<float[]> planes = new java.util.ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      RgbImage f = frames.get(i);
      if (f.width() != first.width() || f.height() != first.height()) {
        throw new IllegalArgumentException(
            "video frame "
                + i
                + " is "
                + f.width()
                + "x"
                + f.height()
                + " but frame 0 is "
                + first.width()
                + "x"
                + first.height()
                + "; every frame of a video must have one size");
      }
      planes.add(videoNormalized(f, hw[1], hw[0], video));
    }
    while (planes.size() % video.temporalPatchSize() != 0) {
      planes.add(planes.get(planes.size() - 1));
    }
    return patchify(planes, hw[0], hw[1], video);
  }

  /** {height, width} the image is resized to under {@code st}. */
  private static int[] resized(RgbImage image, Settings st) {
    int factor = st.patchSize() * st.mergeSize();
    if (st.doResize()) {
      return smartResize(image.height(), image.width(), factor, st.minPixels(), st.maxPixels());
    }
    if (image.height() % factor != 0 || image.width() % factor != 0) {
      throw new IllegalArgumentException(
          "do_resize is false but the image is "
              + image.width()
              + "x"
              + image.height()
              + ", not a multiple of "
              + factor);
    }
    return new int[] {image.height(), image.width()};
  }

  /** The image resized to width × height (PIL bicubic) and rescaled/normalized: (3, h, w). */
  private static float[] normalized(RgbImage image, int width, int height, Settings st) {
    RgbImage img =
        image.width() == width && image.height() == height
            ? image
            : PilResize.bicubic(image, width, height);
    return ImageProcessor.rescaleNormalize(
        img, st.doRescale(), st.rescaleFactor(), st.doNormalize(), st.mean(), st.std());
  }

  /**
   * A video frame resized (PIL bicubic) and rescaled/normalized with the arithmetic of HF's
   * torchvision backend, which every video processor uses: rescale and normalize fused into {@code
   * (x - mean') / std'} in float32, {@code mean' = float32(mean) × float32(1 / rescale)} (likewise
   * std). It differs from the image path's rescale-then-normalize in the last bit of most values.
   */
  private static float[] videoNormalized(RgbImage image, int width, int height, Settings st) {
    if (!st.doRescale() || !st.doNormalize()) {
      return normalized(image, width, height, st);
    }
    RgbImage img =
        image.width() == width && image.height() == height
            ? image
            : PilResize.bicubic(image, width, height);
    int n = img.width() * img.height();
    float[] out = new float[3 * n];
    float scale = (float) (1.0 / st.rescaleFactor());
    for (int c = 0; c < 3; c++) {
      float mean = st.mean()[c] * scale;
      float std = st.std()[c] * scale;
      for (int i = 0; i < n; i++) {
        out[c * n + i] = ((float) (img.pixels()[c * n + i] & 0xFF) - mean) / std;
      }
    }
    return out;
  }

  /**
   * Frames (a multiple of the temporal patch size, each (3, h, w)) → patch rows in HF's order: for
   * each temporal patch, merge-block row and column, row and column in the block, one row of
   * (channel, frame in the temporal patch, y, x) values.
   */
  private static Patches patchify(List<float[]> frames, int height, int width, Settings st) {
    int p = st.patchSize();
    int m = st.mergeSize();
    int t = st.temporalPatchSize();
    int gt = frames.size() / t;
    int gh = height / p;
    int gw = width / p;
    int rowLength = 3 * t * p * p;
    float[] out = new float[gt * gh * gw * rowLength];
    int row = 0;
    for (int it = 0; it < gt; it++) {
      for (int bh = 0; bh < gh / m; bh++) {
        for (int bw = 0; bw < gw / m; bw++) {
          for (int ih = 0; ih < m; ih++) {
            for (int iw = 0; iw < m; iw++) {
              int y0 = (bh * m + ih) * p;
              int x0 = (bw * m + iw) * p;
              int o = row * rowLength;
              for (int c = 0; c < 3; c++) {
                for (int f = 0; f < t; f++) {
                  float[] plane = frames.get(it * t + f);
                  for (int y = 0; y < p; y++) {
                    System.arraycopy(
                        plane,
                        (c * height + y0 + y) * width + x0,
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
    }
    return new Patches(out, gt, gh, gw);
  }

  /** Several images' patches, each its own grid, one after the other (HF's pixel_values). */
  public List<Patches> process(List<RgbImage> images) {
    return images.stream().map(this::process).toList();
  }
}

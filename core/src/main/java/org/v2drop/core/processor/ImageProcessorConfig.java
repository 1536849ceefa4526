package org.v2drop.core.processor;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.JsonFiles;

/**
 * CLIPImageProcessor / LlavaImageProcessor settings and the LlavaProcessor's image-token
 * arithmetic, read from the Hub layout ({@code preprocessor_config.json}, flat) or a {@code
 * processor_config.json} with a nested {@code image_processor}.
 *
 * @param shortestEdge resize target of the shorter side, or 0 when {@code resizeHeight/Width} are
 *     set
 * @param doPad LlavaImageProcessor: pad to a square with the mean colour before resizing
 * @param patchSize LlavaProcessor patch size (0 = take the vision tower's)
 * @param numAdditionalImageTokens LlavaProcessor: extra tokens such as CLS
 * @param imageToken the placeholder text in prompts
 */
public record ImageProcessorConfig(
    boolean doResize,
    int shortestEdge,
    int resizeHeight,
    int resizeWidth,
    boolean doCenterCrop,
    int cropHeight,
    int cropWidth,
    boolean doRescale,
    double rescaleFactor,
    boolean doNormalize,
    float[] mean,
    float[] std,
    boolean doPad,
    int patchSize,
    int numAdditionalImageTokens,
    String imageToken) {

  /**
   * Checks that the processor crops images to the vision tower's square input ({@code size}), as a
   * fixed-size tower needs; the error names the checkpoint.
   */
  public void requireCrop(int size, java.nio.file.Path dir) {
    if (cropHeight != size || cropWidth != size) {
      throw new org.v2drop.core.checkpoint.CheckpointException(
          dir
              + ": processor crop size "
              + cropHeight
              + "x"
              + cropWidth
              + " does not match vision_config.image_size "
              + size);
    }
  }

  /**
   * This config without LlavaImageProcessor's pad-to-square (a {@code do_pad} meaning another
   * thing).
   */
  public ImageProcessorConfig withoutSquarePad() {
    return new ImageProcessorConfig(
        doResize,
        shortestEdge,
        resizeHeight,
        resizeWidth,
        doCenterCrop,
        cropHeight,
        cropWidth,
        doRescale,
        rescaleFactor,
        doNormalize,
        mean,
        std,
        false,
        patchSize,
        numAdditionalImageTokens,
        imageToken);
  }

  public static final String PREPROCESSOR = "preprocessor_config.json";
  public static final String PROCESSOR = "processor_config.json";
  private static final int PIL_BICUBIC = 3;

  /**
   * A checkpoint's image processor settings as found on disk.
   *
   * @param image the image processor's object
   * @param file the file it came from
   * @param processor the nested {@code processor_config.json}, or null when there is none
   */
  public record Located(JsonNode image, Path file, JsonNode processor) {}

  /**
   * The image processor's settings in {@code dir}: the flat Hub {@code preprocessor_config.json},
   * or the {@code image_processor} object of a {@code processor_config.json} (as transformers 5
   * writes it); the flat file wins when both exist.
   */
  public static Located locate(Path dir) {
    Path flat = dir.resolve(PREPROCESSOR);
    Path nested = dir.resolve(PROCESSOR);
    JsonNode processor = Files.isRegularFile(nested) ? JsonFiles.readObject(nested) : null;
    if (Files.isRegularFile(flat)) {
      return new Located(JsonFiles.readObject(flat), flat, processor);
    }
    if (processor != null && processor.path("image_processor").isObject()) {
      return new Located(processor.get("image_processor"), nested, processor);
    }
    throw new CheckpointException(
        dir
            + ": no image processor config ("
            + PREPROCESSOR
            + ", or "
            + PROCESSOR
            + " with an 'image_processor' object)");
  }

  /** Loads from {@code dir} ({@link #locate}). */
  public static ImageProcessorConfig load(Path dir) {
    Located at = locate(dir);
    JsonNode image = at.image();
    Path file = at.file();
    JsonNode processor = at.processor();
    Path nested = dir.resolve(PROCESSOR);
    JsonNode proc = processor != null ? processor : image;
    Path procFile = processor != null ? nested : file;
    int resample = JsonFiles.optInt(image, "resample", PIL_BICUBIC, file);
    if (resample != PIL_BICUBIC) {
      throw new CheckpointException(
          file + ": resample " + resample + " is not supported; expected 3 (bicubic)");
    }
    JsonNode size = image.get("size");
    int shortest = 0;
    int rh = 0;
    int rw = 0;
    if (size != null && size.isInt()) {
      shortest = size.asInt();
    } else if (size != null && size.has("shortest_edge")) {
      shortest = JsonFiles.requireInt(size, "shortest_edge", file);
    } else if (size != null && size.has("height")) {
      rh = JsonFiles.requireInt(size, "height", file);
      rw = JsonFiles.requireInt(size, "width", file);
    } else {
      shortest = 224;
    }
    JsonNode crop = image.get("crop_size");
    int ch = 224;
    int cw = 224;
    if (crop != null && crop.isInt()) {
      ch = cw = crop.asInt();
    } else if (crop != null && crop.isObject()) {
      ch = JsonFiles.requireInt(crop, "height", file);
      cw = JsonFiles.requireInt(crop, "width", file);
    }
    float[] mean =
        floats(image, "image_mean", new float[] {0.48145466f, 0.4578275f, 0.40821073f}, file);
    float[] std =
        floats(image, "image_std", new float[] {0.26862954f, 0.26130258f, 0.27577711f}, file);
    if (shortest < 0 || rh < 0 || rw < 0 || ch <= 0 || cw <= 0) {
      throw new CheckpointException(file + ": image sizes must be positive");
    }
    return new ImageProcessorConfig(
        image.path("do_resize").asBoolean(true),
        shortest,
        rh,
        rw,
        image.path("do_center_crop").asBoolean(true),
        ch,
        cw,
        image.path("do_rescale").asBoolean(true),
        JsonFiles.optDouble(image, "rescale_factor", 1.0 / 255, file),
        image.path("do_normalize").asBoolean(true),
        mean,
        std,
        image.path("do_pad").asBoolean(false),
        JsonFiles.optInt(proc, "patch_size", 0, procFile),
        JsonFiles.optInt(proc, "num_additional_image_tokens", 0, procFile),
        JsonFiles.optString(proc, "image_token", "<image>", procFile));
  }

  /** A list of 3 numbers (a channel mean or std), or {@code dflt} when absent. */
  public static float[] floats(JsonNode n, String key, float[] dflt, Path file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isArray() || v.size() != 3) {
      throw new CheckpointException(
          file + ": '" + key + "' must be a list of 3 numbers, found " + v);
    }
    float[] out = new float[3];
    for (int i = 0; i < 3; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  /**
   * Image tokens per image as LlavaProcessor computes them: {@code (crop_h / patch) * (crop_w /
   * patch) + num_additional_image_tokens - (1 if strategy is "default")}.
   */
  public int imageTokens(int patch, String strategy) {
    int n = (cropHeight / patch) * (cropWidth / patch) + numAdditionalImageTokens;
    return strategy.equals("default") ? n - 1 : n;
  }
}

package org.v2drop.core.family;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.model.ComputeDType;

/**
 * A model family: what turns a Hugging Face checkpoint of some {@code model_type} into an {@link
 * Engine} (its processor, vision encoder, decoder and chat template), chosen by {@link
 * ModelFamilies} from the checkpoint's {@code config.json}. Everything outside a family's own
 * package works through this interface and {@link Engine}; drop policies never see the family.
 */
public interface ModelFamily {
  /** The {@code config.json} {@code model_type} values this family loads (e.g. {@code llava}). */
  List<String> modelTypes();

  /** The decoder depth of the checkpoint in {@code dir} (from its config; no weights read). */
  int decoderLayers(Path dir);

  /**
   * Loads the checkpoint in {@code dir} onto {@code device}, computing in {@code dtype}, after
   * checking that the device can hold the weights and the KV cache of {@code use} (refused with a
   * message naming each part otherwise).
   */
  Engine load(Path dir, Device device, ComputeDType dtype, PlannedUse use);

  /**
   * Loads as {@link #load(Path, Device, ComputeDType, PlannedUse)} with the image processor's
   * settings overridden ({@link #checkOverrides}).
   */
  default Engine load(
      Path dir, Device device, ComputeDType dtype, PlannedUse use, ProcessorOverrides overrides) {
    checkOverrides(overrides, dir.toString());
    return load(dir, device, dtype, use);
  }

  /**
   * Refuses overrides this family cannot apply (by default any: a family of fixed-size images has
   * no pixel bounds), naming {@code where}.
   */
  default void checkOverrides(ProcessorOverrides overrides, String where) {
    if (!overrides.isEmpty()) {
      throw new org.v2drop.core.checkpoint.CheckpointException(
          where
              + ": min_pixels / max_pixels apply to dynamic-resolution model families only ("
              + String.join(", ", modelTypes())
              + " resizes every image to one size)");
    }
  }

  /**
   * What a loaded engine is planned for, in family-neutral terms: each family turns images into its
   * own number of vision tokens.
   *
   * @param sequences prompts generated together (the batch size)
   * @param textTokens text tokens per prompt, besides the images' tokens
   * @param images images per prompt
   * @param newTokens tokens generated per prompt
   */
  record PlannedUse(int sequences, int textTokens, int images, int newTokens) {
    public PlannedUse {
      if (sequences < 1 || textTokens < 1 || images < 0 || newTokens < 0) {
        throw new IllegalArgumentException(
            "a planned use needs sequences >= 1, text tokens >= 1, images >= 0 and new tokens >= 0,"
                + " found "
                + this);
      }
    }

    /**
     * The planning assumption when only the batch is known: {@code sequences} prompts of {@code
     * images} images and 1,024 text tokens, generating 64 tokens.
     */
    public static PlannedUse typical(int sequences, int images) {
      return new PlannedUse(sequences, 1024, images, 64);
    }
  }
}

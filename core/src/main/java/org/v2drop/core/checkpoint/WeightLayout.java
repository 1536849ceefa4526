package org.v2drop.core.checkpoint;

import java.util.Optional;

/**
 * Maps the checkpoint key layouts found in the wild onto one canonical naming ({@code text.*},
 * {@code lm_head.*}, {@code vision.*}, {@code projector.*}):
 *
 * <ul>
 *   <li>Hub llava-hf: {@code language_model.model.*}, {@code language_model.lm_head.*}, {@code
 *       vision_tower.vision_model.*}, {@code multi_modal_projector.*};
 *   <li>recent transformers: {@code model.language_model.*}, {@code
 *       model.vision_tower.vision_model.*}, {@code model.multi_modal_projector.*}, {@code
 *       lm_head.*};
 *   <li>transformers 5.x: {@code vision_tower.embeddings.*} etc. without {@code vision_model.}.
 * </ul>
 */
public final class WeightLayout {
  private WeightLayout() {}

  /** The canonical name of a checkpoint key, or empty if the key belongs to no known part. */
  public static Optional<String> canonical(String key) {
    String k = key;
    if (k.startsWith("model.language_model.")
        || k.startsWith("model.vision_tower.")
        || k.startsWith("model.multi_modal_projector.")) {
      k = k.substring("model.".length());
    }
    if (k.startsWith("language_model.model.")) {
      return Optional.of("text." + k.substring("language_model.model.".length()));
    }
    if (k.startsWith("language_model.lm_head.")) {
      return Optional.of("lm_head." + k.substring("language_model.lm_head.".length()));
    }
    if (k.startsWith("language_model.")) {
      return Optional.of("text." + k.substring("language_model.".length()));
    }
    if (k.startsWith("vision_tower.vision_model.")) {
      return Optional.of("vision." + k.substring("vision_tower.vision_model.".length()));
    }
    if (k.startsWith("vision_tower.")) {
      return Optional.of("vision." + k.substring("vision_tower.".length()));
    }
    if (k.startsWith("multi_modal_projector.")) {
      return Optional.of("projector." + k.substring("multi_modal_projector.".length()));
    }
    if (k.startsWith("lm_head.")) {
      return Optional.of(k);
    }
    if (k.equals("image_newline") || k.equals("model.image_newline")) {
      return Optional.of("image_newline"); // LLaVA-NeXT's learned row separator
    }
    return Optional.empty();
  }
}

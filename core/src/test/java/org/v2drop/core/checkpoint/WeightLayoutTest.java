package org.v2drop.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightLayoutTest {
  @ParameterizedTest
  @CsvSource({
    // Hub llava-hf
    "language_model.model.layers.0.self_attn.q_proj.weight, text.layers.0.self_attn.q_proj.weight",
    "language_model.lm_head.weight, lm_head.weight",
    "vision_tower.vision_model.embeddings.class_embedding, vision.embeddings.class_embedding",
    "multi_modal_projector.linear_1.weight, projector.linear_1.weight",
    // recent transformers
    "model.language_model.layers.0.self_attn.q_proj.weight, text.layers.0.self_attn.q_proj.weight",
    "model.language_model.embed_tokens.weight, text.embed_tokens.weight",
    "lm_head.weight, lm_head.weight",
    "model.vision_tower.vision_model.pre_layrnorm.weight, vision.pre_layrnorm.weight",
    "model.multi_modal_projector.linear_2.bias, projector.linear_2.bias",
    // transformers 5.x
    "vision_tower.embeddings.patch_embedding.weight, vision.embeddings.patch_embedding.weight",
    "model.vision_tower.encoder.layers.1.mlp.fc1.bias, vision.encoder.layers.1.mlp.fc1.bias",
    "image_newline, image_newline",
    "model.image_newline, image_newline"
  })
  void mapsEveryKnownLayout(String key, String canonical) {
    assertEquals(Optional.of(canonical), WeightLayout.canonical(key));
  }

  @ParameterizedTest
  @CsvSource({"model.embed_tokens.weight", "model.image_newlines", "vision_model.encoder.x"})
  void unknownKeysHaveNoCanonicalName(String key) {
    assertTrue(WeightLayout.canonical(key).isEmpty());
  }
}

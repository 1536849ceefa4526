package org.v2drop.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.testing.Fixtures;

class LlavaConfigTest {
  @TempDir Path dir;

  @Test
  void readsTransformers5Config() {
    LlavaConfig c = LlavaConfig.load(Fixtures.dir("tiny-llava-a"));
    assertEquals(6, c.text().numHiddenLayers());
    assertEquals(4, c.text().numKeyValueHeads());
    assertEquals(16, c.text().headDim());
    assertEquals("default", c.text().rope().type());
    assertArrayEquals(new int[] {-2}, c.visionFeatureLayers());
    assertEquals(16, c.tokensPerImage());
    assertEquals("quick_gelu", c.vision().hiddenAct());
    assertEquals(Set.of(2), c.eosTokenIds());
  }

  @Test
  void readsLegacyRopeScalingAndGqa() {
    LlavaConfig c = LlavaConfig.load(Fixtures.dir("tiny-llava-b"));
    assertEquals("llama3", c.text().rope().type());
    assertEquals(500000.0, c.text().rope().theta());
    assertEquals(8.0, c.text().rope().factor());
    assertEquals(64, c.text().rope().originalMaxPositionEmbeddings());
    assertEquals(2, c.text().numKeyValueHeads());
    assertEquals(26, c.tokensPerImage());
  }

  @Test
  void hubDefaultsFillMissingKeysAndEosComesFromGenerationConfig() throws Exception {
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"model_type": "llava", "image_token_index": 32000, "text_config": {"model_type": "llama",
         "vocab_size": 32064}, "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096,
         "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768},
         "vision_feature_layer": -2, "vision_feature_select_strategy": "default"}""");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [2, 32001]}");
    LlavaConfig c = LlavaConfig.load(dir);
    assertEquals(4096, c.text().hiddenSize());
    assertEquals(11008, c.text().intermediateSize());
    assertEquals(32, c.text().numHiddenLayers());
    assertEquals(576, c.tokensPerImage());
    assertEquals(Set.of(2, 32001), c.eosTokenIds());
  }

  @Test
  void malformedJsonNamesFileAndLine() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\n \"model_type\": \"llava\",\n oops }");
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaConfig.load(dir));
    assertTrue(e.getMessage().contains("config.json: malformed JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void missingConfigIsNamed() {
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaConfig.load(dir));
    assertTrue(e.getMessage().endsWith("config.json: file not found"), e.getMessage());
  }

  @Test
  void unsupportedArchitecturesAndBadValuesAreClear() throws Exception {
    expect(
        c -> c.put("model_type", "qwen2_vl"),
        "unsupported model_type 'qwen2_vl'; expected 'llava'");
    expect(
        c -> ((ObjectNode) c.get("text_config")).put("model_type", "gemma"),
        "unsupported text_config.model_type 'gemma'; expected 'llama' or 'mistral'");
    expect(
        c -> c.remove("vision_config"), "'text_config' and 'vision_config' objects are required");
    expect(
        c -> ((ObjectNode) c.get("text_config")).put("num_key_value_heads", 3),
        "num_attention_heads 4 must be a multiple of num_key_value_heads 3");
    expect(
        c -> ((ObjectNode) c.get("text_config")).put("hidden_size", "big"),
        "key 'hidden_size' must be an integer, found \"big\"");
    expect(c -> c.put("vision_feature_layer", -9), "vision_feature_layer -9 is outside");
    expect(c -> c.put("vision_feature_select_strategy", "cls"), "must be 'default' or 'full'");
    expect(
        c ->
            ((ObjectNode) c.get("text_config"))
                .putObject("rope_parameters")
                .put("rope_type", "yarn"),
        "unsupported rope type 'yarn'");
    expect(c -> ((ObjectNode) c.get("text_config")).put("attention_bias", true), "attention_bias");
    expect(
        c -> c.put("image_token_index", 99999),
        "image_token_index 99999 is outside the vocabulary");
  }

  private void expect(Consumer<ObjectNode> edit, String problem) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode c =
        (ObjectNode) json.readTree(Fixtures.dir("tiny-llava-a").resolve("config.json").toFile());
    edit.accept(c);
    Files.writeString(dir.resolve("config.json"), json.writeValueAsString(c));
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaConfig.load(dir));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }
}

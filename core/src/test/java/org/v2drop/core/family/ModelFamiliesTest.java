package org.v2drop.core.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.family.llava.LlavaFamily;
import org.v2drop.core.testing.Fixtures;

/** The family registry: chosen by config.json's model_type, unknown types refused by name. */
class ModelFamiliesTest {
  @TempDir Path tmp;

  @Test
  void aLlavaCheckpointIsTheLlavaFamilysAndItsDepthComesFromTheConfig() {
    for (String fixture : new String[] {"tiny-llava-a", "tiny-llava-b"}) {
      Path dir = Fixtures.dir(fixture);
      ModelFamily family = ModelFamilies.of(dir);
      assertInstanceOf(LlavaFamily.class, family, fixture);
      assertEquals(
          LlavaConfig.load(dir).text().numHiddenLayers(), family.decoderLayers(dir), fixture);
    }
    assertTrue(
        ModelFamilies.supportedTypes().contains("llava"),
        ModelFamilies.supportedTypes().toString());
  }

  @Test
  void anUnknownModelTypeIsRefusedNamingTheFileAndTheSupportedTypes() throws IOException {
    Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"mamba\"}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> ModelFamilies.of(tmp));
    assertTrue(
        e.getMessage().contains(tmp.resolve("config.json").toString())
            && e.getMessage().contains("unsupported model_type 'mamba'")
            && e.getMessage()
                .contains("supported: " + String.join(", ", ModelFamilies.supportedTypes())),
        e.getMessage());
    Files.writeString(tmp.resolve("config.json"), "{}");
    e = assertThrows(CheckpointException.class, () -> ModelFamilies.of(tmp));
    assertTrue(e.getMessage().contains("unsupported model_type ''"), e.getMessage());
  }

  @Test
  void aMissingDirectoryOrConfigIsNamed() {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ModelFamilies.of(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("checkpoint directory not found"), e.getMessage());
    e = assertThrows(CheckpointException.class, () -> ModelFamilies.of(tmp));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void plannedUseRefusesImpossibleWorkloads() {
    assertThrows(IllegalArgumentException.class, () -> new ModelFamily.PlannedUse(0, 10, 1, 1));
    assertEquals(new ModelFamily.PlannedUse(8, 1024, 2, 64), ModelFamily.PlannedUse.typical(8, 2));
  }
}

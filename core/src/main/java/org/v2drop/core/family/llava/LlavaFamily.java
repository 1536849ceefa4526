package org.v2drop.core.family.llava;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.engine.MemoryPlan;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.model.ComputeDType;

/**
 * LLaVA-1.5 (HF {@code llava}): CLIP tower, two-layer projector, Llama decoder, a fixed number of
 * vision tokens per image, lmms-eval's vicuna conversation ({@link LlavaEngine}).
 */
public final class LlavaFamily implements ModelFamily {
  @Override
  public List<String> modelTypes() {
    return List.of("llava");
  }

  @Override
  public int decoderLayers(Path dir) {
    return LlavaConfig.load(dir).text().numHiddenLayers();
  }

  @Override
  public Engine load(Path dir, Device device, ComputeDType dtype, PlannedUse use) {
    return LlavaEngine.load(
        dir,
        device,
        dtype,
        c ->
            new MemoryPlan.Workload(
                use.sequences(),
                use.textTokens() + use.images() * c.tokensPerImage(),
                use.newTokens()));
  }
}

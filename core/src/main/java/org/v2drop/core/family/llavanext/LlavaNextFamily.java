package org.v2drop.core.family.llavanext;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.engine.MemoryPlan;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.model.ComputeDType;

/**
 * LLaVA-NeXT (HF {@code llava_next}, v1.6): LLaVA-1.5's tower, projector and Llama decoder with
 * AnyRes high-resolution images ({@link LlavaNextEngine}). In progress (issue #20): vanilla and the
 * drop methods conform to HF on a tiny checkpoint; Mistral decoders, presets and the bench table
 * are not done yet.
 */
public final class LlavaNextFamily implements ModelFamily {
  @Override
  public List<String> modelTypes() {
    return List.of(LlavaNextEngine.MODEL_TYPE);
  }

  @Override
  public int decoderLayers(Path dir) {
    return LlavaConfig.load(dir, LlavaNextEngine.MODEL_TYPE).text().numHiddenLayers();
  }

  @Override
  public Engine load(Path dir, Device device, ComputeDType dtype, PlannedUse use) {
    return LlavaNextEngine.load(
        dir,
        device,
        dtype,
        perImage ->
            new MemoryPlan.Workload(
                use.sequences(), use.textTokens() + use.images() * perImage, use.newTokens()));
  }
}

package org.v2drop.core.family.qwen2vl;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.family.ProcessorOverrides;
import org.v2drop.core.model.ComputeDType;

/**
 * Qwen2-VL (HF {@code qwen2_vl}) and Qwen2.5-VL ({@code qwen2_5_vl}): dynamic-resolution vision
 * tower, Qwen2 decoder with M-RoPE, lmms-eval's {@code qwen2_vl} prompts ({@link Qwen2VlEngine}).
 */
public final class Qwen2VlFamily implements ModelFamily {
  @Override
  public List<String> modelTypes() {
    return List.of("qwen2_vl", "qwen2_5_vl");
  }

  @Override
  public int decoderLayers(Path dir) {
    return Qwen2VlConfig.load(dir).text().numHiddenLayers();
  }

  @Override
  public Engine load(Path dir, Device device, ComputeDType dtype, PlannedUse use) {
    return Qwen2VlEngine.load(dir, device, dtype, use, ProcessorOverrides.NONE);
  }

  /** Images and video frames scaled into the overridden pixel bounds. */
  @Override
  public Engine load(
      Path dir, Device device, ComputeDType dtype, PlannedUse use, ProcessorOverrides overrides) {
    return Qwen2VlEngine.load(dir, device, dtype, use, overrides);
  }

  /** Any pixel bounds apply. */
  @Override
  public void checkOverrides(ProcessorOverrides overrides, String where) {}
}

package org.v2drop.core.family;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.JsonFiles;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.family.llava.LlavaFamily;
import org.v2drop.core.family.llavanext.LlavaNextFamily;
import org.v2drop.core.family.qwen2vl.Qwen2VlFamily;
import org.v2drop.core.model.ComputeDType;

/**
 * The model families this build knows, one line each, and the choice among them by a checkpoint's
 * {@code config.json} {@code model_type}. A new family is a package of its own plus one line here.
 */
public final class ModelFamilies {
  private static final List<ModelFamily> ALL =
      List.of(new LlavaFamily(), new Qwen2VlFamily(), new LlavaNextFamily());

  /** The checkpoint's config file name. */
  public static final String CONFIG = "config.json";

  private ModelFamilies() {}

  /** Every supported {@code model_type}, in registry order. */
  public static List<String> supportedTypes() {
    List<String> out = new ArrayList<>();
    ALL.forEach(f -> out.addAll(f.modelTypes()));
    return out;
  }

  /** The family of {@code model_type}; refused naming the supported types. */
  public static ModelFamily forType(String modelType, String where) {
    for (ModelFamily f : ALL) {
      if (f.modelTypes().contains(modelType)) {
        return f;
      }
    }
    throw new CheckpointException(
        where
            + ": unsupported model_type '"
            + modelType
            + "'; supported: "
            + String.join(", ", supportedTypes()));
  }

  /**
   * Loads the checkpoint in {@code dir} with its family ({@link #of}, {@link ModelFamily#load}).
   */
  public static Engine load(
      Path dir, Device device, ComputeDType dtype, ModelFamily.PlannedUse use) {
    return of(dir).load(dir, device, dtype, use);
  }

  /** Loads with the image processor's settings overridden ({@link ModelFamily#checkOverrides}). */
  public static Engine load(
      Path dir,
      Device device,
      ComputeDType dtype,
      ModelFamily.PlannedUse use,
      ProcessorOverrides overrides) {
    return of(dir).load(dir, device, dtype, use, overrides);
  }

  /** The family of the checkpoint in {@code dir}, from its {@code config.json}'s model_type. */
  public static ModelFamily of(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": checkpoint directory not found");
    }
    Path file = dir.resolve(CONFIG);
    JsonNode root = JsonFiles.readObject(file);
    return forType(JsonFiles.optString(root, "model_type", "", file), file.toString());
  }
}

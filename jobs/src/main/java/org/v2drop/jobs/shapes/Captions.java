package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.processor.LlavaConversation;

/**
 * Stage-1 alignment data for the demo model (LLaVA's caption pretraining, in miniature): each scene
 * described as its objects from left to right, e.g. "red circle, blue square, green cross". Every
 * target token depends on the image, which gets a from-scratch model off the answer-prior plateau
 * that the benchmark questions alone leave it on.
 */
public final class Captions {
  public static final String QUESTION = "List the objects in the image from left to right.";

  private Captions() {}

  /** The caption of a scene. */
  public static String caption(Scene scene) {
    List<SceneObject> objs = new ArrayList<>(scene.objects());
    objs.sort(Comparator.comparingInt(SceneObject::cx).thenComparingInt(SceneObject::cy));
    return String.join(", ", objs.stream().map(SceneObject::name).toList());
  }

  /** {@code count} caption rows in the _prompts schema. */
  public static List<Map<String, Object>> rows(int count, SplittableRandom rng) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Scene scene = TaskRows.scene(rng);
      String id = "caption_" + i;
      out.add(
          PromptsTable.row(
              "caption",
              id,
              LlavaConversation.DEFAULT.apply(QUESTION, 1),
              caption(scene),
              List.of(TaskRows.image(scene, id))));
    }
    return out;
  }
}

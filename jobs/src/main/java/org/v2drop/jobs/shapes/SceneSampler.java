package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws random scenes: several small, non-overlapping shapes, many sharing colour or kind with
 * another.
 */
public final class SceneSampler {
  public static final int SIZE = 96;
  private static final int MIN_OBJECT = 14;
  private static final int MAX_OBJECT = 20;
  private static final int MARGIN = 2;

  private SceneSampler() {}

  /** A scene with {@code count} objects (fewer if the canvas is full). */
  public static Scene scene(SplittableRandom rng, int count) {
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SceneObject o = place(rng, randomShape(rng), randomColor(rng), objects);
      if (o != null) {
        objects.add(o);
      }
    }
    return new Scene(SIZE, SIZE, objects);
  }

  /**
   * Places an object of the given kind and colour where it overlaps nothing, or null after 200
   * tries.
   */
  public static SceneObject place(
      SplittableRandom rng, String shape, String color, List<SceneObject> others) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int size = MIN_OBJECT + rng.nextInt(MAX_OBJECT - MIN_OBJECT + 1);
      int half = size / 2 + MARGIN;
      int cx = half + rng.nextInt(SIZE - 2 * half);
      int cy = half + rng.nextInt(SIZE - 2 * half);
      SceneObject o = new SceneObject(shape, color, cx, cy, size);
      if (others.stream().noneMatch(p -> overlaps(o, p))) {
        return o;
      }
    }
    return null;
  }

  static boolean overlaps(SceneObject a, SceneObject b) {
    int gap = (a.size() + b.size()) / 2 + 2 * MARGIN;
    return Math.abs(a.cx() - b.cx()) < gap && Math.abs(a.cy() - b.cy()) < gap;
  }

  public static String randomColor(SplittableRandom rng) {
    return Palette.COLORS.get(rng.nextInt(Palette.COLORS.size()));
  }

  public static String randomShape(SplittableRandom rng) {
    return Palette.SHAPES.get(rng.nextInt(Palette.SHAPES.size()));
  }

  public static <T> T pick(SplittableRandom rng, List<T> items) {
    return items.get(rng.nextInt(items.size()));
  }
}

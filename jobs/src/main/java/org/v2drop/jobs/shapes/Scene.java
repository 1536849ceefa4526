package org.v2drop.jobs.shapes;

import java.util.List;

/**
 * A picture of small coloured shapes on a plain background, with the queries the question writers
 * need.
 */
public record Scene(int width, int height, List<SceneObject> objects) {
  public Scene {
    objects = List.copyOf(objects);
  }

  public boolean has(String color, String shape) {
    return objects.stream().anyMatch(o -> o.color().equals(color) && o.shape().equals(shape));
  }

  public boolean hasColor(String color) {
    return objects.stream().anyMatch(o -> o.color().equals(color));
  }

  public boolean hasShape(String shape) {
    return objects.stream().anyMatch(o -> o.shape().equals(shape));
  }

  public long countShape(String shape) {
    return objects.stream().filter(o -> o.shape().equals(shape)).count();
  }

  public long countColor(String color) {
    return objects.stream().filter(o -> o.color().equals(color)).count();
  }

  /** Objects whose shape kind occurs once in the scene. */
  public List<SceneObject> uniqueShapes() {
    return objects.stream().filter(o -> countShape(o.shape()) == 1).toList();
  }

  /** Objects whose colour occurs once in the scene. */
  public List<SceneObject> uniqueColors() {
    return objects.stream().filter(o -> countColor(o.color()) == 1).toList();
  }

  /** Objects whose (colour, shape) combination occurs once. */
  public List<SceneObject> uniqueCombos() {
    return objects.stream()
        .filter(
            o ->
                objects.stream()
                        .filter(p -> p.color().equals(o.color()) && p.shape().equals(o.shape()))
                        .count()
                    == 1)
        .toList();
  }
}

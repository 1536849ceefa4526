package org.v2drop.jobs.shapes;

/**
 * One drawn object.
 *
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param size side of the bounding box in pixels
 */
public record SceneObject(String shape, String color, int cx, int cy, int size) {
  public String name() {
    return color + " " + shape;
  }
}

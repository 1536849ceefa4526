package org.v2drop.jobs.shapes;

import java.util.List;

/** The colours and shape kinds of ShapesVQA, with the RGB each colour is drawn in. */
public final class Palette {
  public static final List<String> COLORS =
      List.of("red", "green", "blue", "yellow", "purple", "orange");
  public static final List<String> SHAPES =
      List.of("circle", "square", "triangle", "diamond", "cross");
  private static final int[] RGB = {0xD62728, 0x2CA02C, 0x1F5FD6, 0xE8C800, 0x8E3CC8, 0xFF7F0E};

  private Palette() {}

  public static int rgb(String color) {
    int i = COLORS.indexOf(color);
    if (i < 0) {
      throw new IllegalArgumentException("unknown colour " + color);
    }
    return RGB[i];
  }

  /** English plural of a shape kind. */
  public static String plural(String shape) {
    return shape.equals("cross") ? "crosses" : shape + "s";
  }

  /** Number words used by answer variants. */
  public static String word(int n) {
    return List.of(
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
        .get(n);
  }
}

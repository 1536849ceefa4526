package org.v2drop.jobs.shapes;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Renders scenes to PNG bytes, without antialiasing, so the same scene always gives the same bytes.
 */
public final class SceneRenderer {
  private static final Color BACKGROUND = new Color(0xF2F2EE);

  private SceneRenderer() {}

  public static byte[] png(Scene scene) {
    BufferedImage img =
        new BufferedImage(scene.width(), scene.height(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, scene.width(), scene.height());
    for (SceneObject o : scene.objects()) {
      g.setColor(new Color(Palette.rgb(o.color())));
      draw(g, o);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void draw(Graphics2D g, SceneObject o) {
    int s = o.size();
    int x = o.cx() - s / 2;
    int y = o.cy() - s / 2;
    switch (o.shape()) {
      case "circle" -> g.fillOval(x, y, s, s);
      case "square" -> g.fillRect(x + 1, y + 1, s - 2, s - 2);
      case "triangle" ->
          g.fillPolygon(new Polygon(new int[] {o.cx(), x + s, x}, new int[] {y, y + s, y + s}, 3));
      case "diamond" ->
          g.fillPolygon(
              new Polygon(
                  new int[] {o.cx(), x + s, o.cx(), x}, new int[] {y, o.cy(), y + s, o.cy()}, 4));
      case "cross" -> {
        int t = Math.max(3, s / 3);
        g.fillRect(o.cx() - t / 2, y, t, s);
        g.fillRect(x, o.cy() - t / 2, s, t);
      }
      default -> throw new IllegalArgumentException("unknown shape " + o.shape());
    }
  }
}

package org.v2drop.core.processor;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes PNG/JPEG bytes to RGB the way PIL's {@code convert("RGB")} does: grey is replicated,
 * alpha is dropped (not composited), palettes are looked up. Samples are read from the raster, so
 * no colour management is applied.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** Decodes a file; errors name it. */
  public static RgbImage read(Path file) {
    try {
      return decode(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read image: " + e.getMessage(), e);
    }
  }

  /** Decodes encoded bytes; {@code source} names them in errors. */
  public static RgbImage decode(byte[] bytes, String source) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          source + ": corrupt or unsupported image (" + e.getMessage() + ")", e);
    }
    if (img == null) {
      throw new IllegalArgumentException(
          source + ": not a decodable image (" + bytes.length + " bytes; expected PNG or JPEG)");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[3 * w * h];
    Raster r = img.getRaster();
    int bands = r.getNumBands();
    int bits = img.getColorModel().getComponentSize(0);
    boolean direct = !(img.getColorModel() instanceof IndexColorModel) && bits == 8;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int red;
        int green;
        int blue;
        if (direct && bands <= 2) {
          red = green = blue = r.getSample(x, y, 0);
        } else if (direct && bands >= 3) {
          red = r.getSample(x, y, 0);
          green = r.getSample(x, y, 1);
          blue = r.getSample(x, y, 2);
        } else {
          int argb = img.getRGB(x, y);
          red = (argb >> 16) & 0xFF;
          green = (argb >> 8) & 0xFF;
          blue = argb & 0xFF;
        }
        int i = y * w + x;
        out[i] = (byte) red;
        out[w * h + i] = (byte) green;
        out[2 * w * h + i] = (byte) blue;
      }
    }
    return new RgbImage(w, h, out);
  }
}

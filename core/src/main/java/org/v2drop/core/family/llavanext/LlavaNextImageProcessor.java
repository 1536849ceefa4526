package org.v2drop.core.family.llavanext;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.processor.ImageProcessor;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.PilResize;
import org.v2drop.core.processor.RgbImage;

/**
 * HF's {@code LlavaNextImageProcessorPil}: the image resized (PIL bicubic, aspect kept) into its
 * best grid resolution ({@link AnyRes#bestResolution}), padded symmetrically with black to it, cut
 * into tile-size crops in row-major order, the whole image resized to one tile prepended (the base
 * view); each of them then through the CLIP steps (shortest-edge resize, center crop, rescale,
 * normalize). {@code do_pad} there pads the batch's tile counts and is not applied here.
 */
public final class LlavaNextImageProcessor {
  private final ImageProcessor clip;
  private final List<int[]> pinpoints;

  public LlavaNextImageProcessor(ImageProcessorConfig config, List<int[]> pinpoints) {
    this.clip = new ImageProcessor(config.withoutSquarePad());
    this.pinpoints = List.copyOf(pinpoints);
  }

  public List<int[]> pinpoints() {
    return pinpoints;
  }

  /** The tile size: the crop size (or the shortest edge). */
  public int tile() {
    ImageProcessorConfig c = clip.config();
    return c.doCenterCrop() && c.cropHeight() > 0 ? c.cropHeight() : c.shortestEdge();
  }

  /** The base view then the grid's tiles, each (3, tile, tile) row-major. */
  public List<float[]> process(RgbImage image) {
    int tile = tile();
    int base = clip.config().shortestEdge() > 0 ? clip.config().shortestEdge() : tile;
    int[] best = AnyRes.bestResolution(image.height(), image.width(), pinpoints);
    int[] size = AnyRes.resizedSize(image.height(), image.width(), best);
    RgbImage resized = PilResize.bicubic(image, size[1], size[0]);
    RgbImage padded = pad(resized, best, AnyRes.padding(size, best));
    List<float[]> out = new ArrayList<>();
    out.add(clip.preprocess(PilResize.bicubic(image, base, base)));
    for (int y = 0; y < best[0]; y += tile) {
      for (int x = 0; x < best[1]; x += tile) {
        out.add(clip.preprocess(crop(padded, y, x, tile)));
      }
    }
    return out;
  }

  private static RgbImage pad(RgbImage img, int[] target, int[] pad) {
    int h = target[0];
    int w = target[1];
    byte[] out = new byte[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < img.height(); y++) {
        for (int x = 0; x < img.width(); x++) {
          out[(c * h + y + pad[0]) * w + x + pad[2]] = (byte) img.at(c, y, x);
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  /** {@code divide_to_patches}: the tile at (y, x), cut short at the image's edge. */
  private static RgbImage crop(RgbImage img, int y0, int x0, int tile) {
    int h = Math.min(tile, img.height() - y0);
    int w = Math.min(tile, img.width() - x0);
    byte[] out = new byte[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[(c * h + y) * w + x] = (byte) img.at(c, y0 + y, x0 + x);
        }
      }
    }
    return new RgbImage(w, h, out);
  }
}

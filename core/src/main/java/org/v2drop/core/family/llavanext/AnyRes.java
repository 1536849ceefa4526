package org.v2drop.core.family.llavanext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * LLaVA-NeXT's AnyRes arithmetic, as HF transformers' {@code llava_next} computes it (the pinned
 * version in tools/requirements.txt): which grid resolution an image gets, how it is resized and
 * padded into it, which feature rows or columns came from padding, and how many vision tokens one
 * image becomes. Sizes are (height, width) throughout, as in HF.
 */
public final class AnyRes {
  private AnyRes() {}

  /**
   * {@code select_best_resolution}: the candidate that keeps the most of the image's resolution
   * when it is scaled to fit (capped at the original's), then the one wasting the least area; the
   * first such candidate in the list.
   */
  public static int[] bestResolution(int height, int width, List<int[]> pinpoints) {
    int[] best = null;
    long maxEffective = 0;
    double minWasted = Double.POSITIVE_INFINITY;
    for (int[] hw : pinpoints) {
      double scale = Math.min((double) hw[1] / width, (double) hw[0] / height);
      long dw = (long) (width * scale);
      long dh = (long) (height * scale);
      long effective = Math.min(dw * dh, (long) width * height);
      long wasted = (long) hw[0] * hw[1] - effective;
      if (effective > maxEffective || (effective == maxEffective && wasted < minWasted)) {
        maxEffective = effective;
        minWasted = wasted;
        best = new int[] {hw[0], hw[1]};
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("image_grid_pinpoints is empty");
    }
    return best;
  }

  /**
   * {@code get_patch_output_size}: the aspect-preserving size inside {@code target} (the side with
   * the smaller scale fills, the other is {@code ceil}ed and capped).
   */
  public static int[] resizedSize(int height, int width, int[] target) {
    double scaleW = (double) target[1] / width;
    double scaleH = (double) target[0] / height;
    if (scaleW < scaleH) {
      return new int[] {Math.min((int) Math.ceil(height * scaleW), target[0]), target[1]};
    }
    return new int[] {target[0], Math.min((int) Math.ceil(width * scaleH), target[1])};
  }

  /** {@code _get_padding_size}: {top, bottom, left, right}, the odd pixel after. */
  public static int[] padding(int[] size, int[] target) {
    int dy = target[0] - size[0];
    int dx = target[1] - size[1];
    return new int[] {dy / 2, dy / 2 + dy % 2, dx / 2, dx / 2 + dx % 2};
  }

  /**
   * {@code unpad_image} on a (rows, cols) feature grid of an image of (height, width): the rows (or
   * columns) kept, as {first, last exclusive} of each axis: {rowFrom, rowTo, colFrom, colTo}.
   */
  public static int[] unpadded(int height, int width, int rows, int cols) {
    double originalAspect = (double) width / height;
    double currentAspect = (double) cols / rows;
    if (originalAspect > currentAspect) {
      int newHeight = roundInt(height * ((double) cols / width));
      int pad = Math.floorDiv(rows - newHeight, 2);
      return new int[] {pad, rows - pad, 0, cols};
    }
    int newWidth = roundInt(width * ((double) rows / height));
    int pad = Math.floorDiv(cols - newWidth, 2);
    return new int[] {0, rows, pad, cols - pad};
  }

  /** Python's {@code int(round(x, 7))}. */
  static int roundInt(double x) {
    return new BigDecimal(x).setScale(7, RoundingMode.HALF_EVEN).intValue();
  }

  /**
   * Vision tokens of one image of (height, width), as the processor expands {@code <image>} ({@code
   * _get_number_of_features}): the unpadded grid of the tiles' features, a newline per grid row,
   * and the base view's features plus the processor's additional tokens (CLS), one less under the
   * {@code default} select strategy.
   *
   * @param tile the processed tile size (crop size, 336)
   * @param patch the processor's patch size (14)
   */
  public static int imageTokens(
      int height,
      int width,
      List<int[]> pinpoints,
      int tile,
      int patch,
      int additionalTokens,
      boolean dropCls) {
    int[] best = bestResolution(height, width, pinpoints);
    int side = tile / patch;
    int rows = best[0] / tile * side;
    int cols = best[1] / tile * side;
    int[] kept = unpadded(height, width, rows, cols);
    int keptRows = kept[1] - kept[0];
    int keptCols = kept[3] - kept[2];
    int base = side * side + additionalTokens;
    return keptRows * keptCols + keptRows + base - (dropCls ? 1 : 0);
  }

  /** In {@link #packOrder}: the learned {@code image_newline} vector. */
  public static final int NEWLINE = -1;

  /**
   * {@code pack_image_features} as an order: which feature goes where in one image's packed
   * sequence. The tower gives {@code tiles} (base view first) of {@code side × side} features; the
   * grid tiles are laid out as (rows·side) × (cols·side), unpadded ({@link #unpadded}) and closed
   * by a newline per row, after the base view's features. A lone tile is its features and one
   * newline.
   *
   * @param tile the vision tower's image size (the grid's unit, as {@code
   *     get_anyres_image_grid_shape})
   * @return per position {@code t * side² + f} (feature {@code f} of tile {@code t}) or {@link
   *     #NEWLINE}
   */
  public static int[] packOrder(
      int height, int width, List<int[]> pinpoints, int tile, int side, int tiles) {
    int perTile = side * side;
    if (tiles == 1) {
      int[] out = new int[perTile + 1];
      for (int f = 0; f < perTile; f++) {
        out[f] = f;
      }
      out[perTile] = NEWLINE;
      return out;
    }
    int[] best = bestResolution(height, width, pinpoints);
    int gridRows = best[0] / tile;
    int gridCols = best[1] / tile;
    if (gridRows * gridCols != tiles - 1) {
      throw new IllegalArgumentException(
          "image of "
              + height
              + "x"
              + width
              + ": "
              + (tiles - 1)
              + " tiles, but its grid "
              + best[0]
              + "x"
              + best[1]
              + " has "
              + gridRows * gridCols);
    }
    int[] kept = unpadded(height, width, gridRows * side, gridCols * side);
    int rows = kept[1] - kept[0];
    int cols = kept[3] - kept[2];
    int[] out = new int[perTile + rows * (cols + 1)];
    int k = 0;
    for (int f = 0; f < perTile; f++) {
      out[k++] = f;
    }
    for (int r = kept[0]; r < kept[1]; r++) {
      for (int c = kept[2]; c < kept[3]; c++) {
        int t = 1 + (r / side) * gridCols + c / side;
        out[k++] = t * perTile + (r % side) * side + c % side;
      }
      out[k++] = NEWLINE;
    }
    return out;
  }
}

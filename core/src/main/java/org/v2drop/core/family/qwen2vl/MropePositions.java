package org.v2drop.core.family.qwen2vl;

import java.util.List;

/**
 * Qwen2-VL's and Qwen2.5-VL's multimodal RoPE position ids ({@code get_rope_index} of the pinned
 * transformers): three rows (temporal, height, width). A run of text tokens counts up from the
 * current position on all rows. A run of image or video tokens takes its (t, h, w) grid merged to
 * (t, h / merge, w / merge), in t-major, then h, then w order: row 0 is {@code t * interval}, row 1
 * the merged row, row 2 the merged column, each plus the current position; the current position
 * then advances by {@code max(h, w) / merge} (the spatial extent only, as the pinned version does;
 * for images this is the span's maximum + 1). The interval is 1, except for a Qwen2.5-VL video:
 * {@code tokens_per_second * (int) second_per_grid_t}. Decoding continues at {@code cache position
 * + delta} on all rows, {@code delta = max position + 1 - sequence length}.
 */
public final class MropePositions {
  /** Token types, as HF's {@code mm_token_type_ids}. */
  public static final int TEXT = 0;

  public static final int IMAGE = 1;
  public static final int VIDEO = 2;

  private MropePositions() {}

  /**
   * @param rows (3, n): temporal, height and width position of each token
   * @param delta what decoding adds to the cache position (on all rows)
   */
  public record Result(long[][] rows, long delta) {}

  /**
   * The position ids of one sequence.
   *
   * @param types each token's type ({@link #TEXT}, {@link #IMAGE}, {@link #VIDEO})
   * @param imageGrids each image's (t, h, w) patch grid, in order of appearance
   * @param videoGrids each video's (t, h, w) patch grid
   * @param secondsPerGrid each video's seconds per temporal grid step, or null (Qwen2-VL: no
   *     temporal scaling)
   * @param mergeSize the vision tower's spatial merge size
   * @param tokensPerSecond Qwen2.5-VL's {@code vision_config.tokens_per_second} (unused without
   *     {@code secondsPerGrid})
   */
  public static Result of(
      int[] types,
      List<int[]> imageGrids,
      List<int[]> videoGrids,
      double[] secondsPerGrid,
      int mergeSize,
      int tokensPerSecond) {
    int n = types.length;
    long[][] rows = new long[3][n];
    int nextImage = 0;
    int nextVideo = 0;
    long current = 0;
    long max = -1;
    for (int start = 0; start < n; ) {
      int type = types[start];
      int end = start;
      while (end < n && types[end] == type) {
        end++;
      }
      if (type == TEXT) {
        for (int i = start; i < end; i++) {
          rows[0][i] = rows[1][i] = rows[2][i] = current + (i - start);
        }
        current += end - start;
        max = Math.max(max, current - 1);
      } else if (type == IMAGE || type == VIDEO) {
        boolean video = type == VIDEO;
        List<int[]> grids = video ? videoGrids : imageGrids;
        int index = video ? nextVideo++ : nextImage++;
        if (index >= grids.size()) {
          throw new IllegalArgumentException(
              "more "
                  + (video ? "video" : "image")
                  + " spans than "
                  + (video ? "video" : "image")
                  + " grids ("
                  + grids.size()
                  + ")");
        }
        int[] g = grids.get(index);
        long t = g[0];
        long h = g[1] / mergeSize;
        long w = g[2] / mergeSize;
        if (t * h * w != end - start) {
          throw new IllegalArgumentException(
              (video ? "video " : "image ")
                  + index
                  + ": grid "
                  + g[0]
                  + "x"
                  + g[1]
                  + "x"
                  + g[2]
                  + " merged by "
                  + mergeSize
                  + " gives "
                  + t * h * w
                  + " tokens but its span holds "
                  + (end - start));
        }
        long interval =
            video && secondsPerGrid != null ? tokensPerSecond * (long) secondsPerGrid[index] : 1;
        int i = start;
        for (long a = 0; a < t; a++) {
          for (long b = 0; b < h; b++) {
            for (long c = 0; c < w; c++) {
              rows[0][i] = a * interval + current;
              rows[1][i] = b + current;
              rows[2][i] = c + current;
              max = Math.max(max, Math.max(rows[0][i], Math.max(rows[1][i], rows[2][i])));
              i++;
            }
          }
        }
        current += Math.max(g[1], g[2]) / mergeSize;
      } else {
        throw new IllegalArgumentException("token " + start + ": unknown type " + type);
      }
      start = end;
    }
    if (nextImage != imageGrids.size() || nextVideo != videoGrids.size()) {
      throw new IllegalArgumentException(
          nextImage
              + " image span(s) and "
              + nextVideo
              + " video span(s) for "
              + imageGrids.size()
              + " image grid(s) and "
              + videoGrids.size()
              + " video grid(s)");
    }
    return new Result(rows, max + 1 - n);
  }
}

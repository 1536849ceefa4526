package org.v2drop.core.processor;

import java.util.List;

/**
 * A prompt ready for the model.
 *
 * @param inputIds (tokens) with each image placeholder expanded to the image's tokens
 * @param visionPositions (vision tokens) positions in {@code inputIds} that the image features
 *     fill, ascending
 * @param pixelValues (images, 3, height, width) row-major, empty when there are no images
 * @param numImages images in the prompt
 * @param imageHeight height of each preprocessed image
 * @param imageWidth width of each preprocessed image
 * @param sampleId identifies the sample (seeds the random baseline)
 * @param visionGrids a grid-based family's (t, h, w) patch grid of each image or video, in prompt
 *     order, {@code pixelValues} then holding their patch rows one after another; empty for a
 *     family of fixed-size images
 * @param positionIds (rows, tokens) RoPE position ids: one row for 1-D RoPE, three (temporal,
 *     height, width) for M-RoPE
 * @param decodeDelta what decoding adds to the cache position to get the next position id (on all
 *     rows): 0 for 1-D RoPE, M-RoPE's {@code rope_deltas}
 */
public record EncodedInput(
    long[] inputIds,
    long[] visionPositions,
    float[] pixelValues,
    int numImages,
    int imageHeight,
    int imageWidth,
    String sampleId,
    List<int[]> visionGrids,
    long[][] positionIds,
    long decodeDelta) {

  public EncodedInput {
    visionGrids = List.copyOf(visionGrids);
    for (long[] row : positionIds) {
      if (row.length != inputIds.length) {
        throw new IllegalArgumentException(
            "position ids cover " + row.length + " tokens, the prompt has " + inputIds.length);
      }
    }
  }

  /** An input of a family of fixed-size images and 1-D RoPE (position ids 0..n-1). */
  public EncodedInput(
      long[] inputIds,
      long[] visionPositions,
      float[] pixelValues,
      int numImages,
      int imageHeight,
      int imageWidth,
      String sampleId) {
    this(
        inputIds,
        visionPositions,
        pixelValues,
        numImages,
        imageHeight,
        imageWidth,
        sampleId,
        List.of(),
        new long[][] {iota(inputIds.length)},
        0);
  }

  /** 0, 1, ..., n - 1: the position ids of 1-D RoPE. */
  public static long[] iota(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  /**
   * Positions of {@code tokenId} in {@code ids}: the vision spans of a prompt, found from the ids
   * as HF does.
   */
  public static long[] positionsOf(long[] ids, long tokenId) {
    int n = 0;
    for (long id : ids) {
      n += id == tokenId ? 1 : 0;
    }
    long[] out = new long[n];
    for (int i = 0, j = 0; i < ids.length; i++) {
      if (ids[i] == tokenId) {
        out[j++] = i;
      }
    }
    return out;
  }

  /** Sum of all pixel values (a cheap fingerprint of preprocessing). */
  public double pixelValuesSum() {
    double s = 0;
    for (float v : pixelValues) {
      s += v;
    }
    return s;
  }
}

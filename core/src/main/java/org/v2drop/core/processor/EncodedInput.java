package org.v2drop.core.processor;

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
 */
public record EncodedInput(
    long[] inputIds,
    long[] visionPositions,
    float[] pixelValues,
    int numImages,
    int imageHeight,
    int imageWidth,
    String sampleId) {

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

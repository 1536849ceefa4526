package org.v2drop.core.processor;

/**
 * A prompt ready for the model.
 *
 * @param inputIds (tokens) with each image placeholder expanded to the image's tokens
 * @param pixelValues (images, 3, size, size) row-major, empty when there are no images
 * @param numImages images in the prompt
 * @param imageSize side of each preprocessed image
 * @param sampleId identifies the sample (seeds the random baseline)
 */
public record EncodedInput(
    long[] inputIds,
    float[] pixelValues,
    int numImages,
    int imageHeight,
    int imageWidth,
    String sampleId) {

  /** Sum of all pixel values (a cheap fingerprint of preprocessing). */
  public double pixelValuesSum() {
    double s = 0;
    for (float v : pixelValues) {
      s += v;
    }
    return s;
  }
}

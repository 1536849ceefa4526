package org.v2drop.core.processor;

/**
 * One picture of a prompt: an image as its dataset stores it (decoded when the model input is
 * built), or a video frame already decoded.
 */
public sealed interface Visual {
  /** The pixels; {@code where} names the picture in errors. */
  RgbImage rgb(String where);

  /** Encoded PNG/JPEG bytes. */
  static Visual encoded(byte[] bytes) {
    return new Encoded(bytes);
  }

  /** Pixels already decoded. */
  static Visual decoded(RgbImage image) {
    return new Decoded(image);
  }

  /** PNG/JPEG bytes, decoded on use. */
  record Encoded(byte[] bytes) implements Visual {
    @Override
    public RgbImage rgb(String where) {
      return ImageDecoder.decode(bytes, where);
    }
  }

  /** Decoded pixels (a video frame). */
  record Decoded(RgbImage image) implements Visual {
    @Override
    public RgbImage rgb(String where) {
      return image;
    }
  }
}

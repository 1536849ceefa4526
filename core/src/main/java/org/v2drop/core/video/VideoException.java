package org.v2drop.core.video;

/** A video file cannot be read, or not the frames asked for; the message names the file. */
public class VideoException extends IllegalArgumentException {
  public VideoException(String message) {
    super(message);
  }

  public VideoException(String message, Throwable cause) {
    super(message, cause);
  }
}

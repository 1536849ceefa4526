package org.v2drop.core.checkpoint;

/**
 * A checkpoint, config or input file is missing, malformed or inconsistent.
 *
 * <p>Messages name the file, the key, what was found and what was expected.
 */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}

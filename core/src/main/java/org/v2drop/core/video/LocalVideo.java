package org.v2drop.core.video;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A video as a local file for the decoder: read in place, or a temporary copy (from a remote file
 * system or a zip archive) deleted on close.
 *
 * @param where the video's dataset path, for errors
 */
public record LocalVideo(Path path, boolean temporary, String where) implements AutoCloseable {
  @Override
  public void close() {
    if (temporary) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the local copy " + path + " of " + where, e);
      }
    }
  }
}

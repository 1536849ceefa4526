package org.v2drop.core.video;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a benchmark's video files live: the local file system ({@link LocalVideoStorage}), or any
 * Hadoop file system on executors (local, HDFS, {@code s3a://}; the udf module's). Paths are
 * strings in the storage's own syntax, joined with {@code /}.
 */
public interface VideoStorage {
  /** The files matching {@code glob} (a glob in the last path segment only), sorted. */
  List<String> glob(String glob) throws IOException;

  boolean isFile(String path) throws IOException;

  boolean isDirectory(String path) throws IOException;

  /** A read-only, seekable channel on the file. */
  SeekableByteChannel open(String path) throws IOException;

  /** The file as a local path when it is one (read in place), else null (copied before use). */
  Path local(String path);

  /** {@code dir/name}. */
  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }
}

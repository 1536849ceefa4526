package org.v2drop.udf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Makes a checkpoint available on local disk: local paths are used in place; remote ones (hdfs://,
 * s3a://, ...) are copied once per machine into {@code <localDir>/v2drop-models/<hash>}, written to
 * a temporary folder and renamed into place so a half-copied checkpoint is never used.
 */
public final class CheckpointFetcher {
  private CheckpointFetcher() {}

  public static Path localize(String checkpoint, Map<String, String> hadoopConf, Path localDir) {
    URI uri = URI.create(checkpoint);
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      return uri.getScheme() == null ? Path.of(checkpoint) : Path.of(uri);
    }
    Path target = localDir.resolve("v2drop-models").resolve(hash(checkpoint));
    if (Files.isDirectory(target)) {
      return target;
    }
    Configuration conf = new Configuration();
    hadoopConf.forEach(conf::set);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempDirectory(target.getParent(), "fetch-");
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(checkpoint);
      FileSystem fs = src.getFileSystem(conf);
      FileStatus[] files = fs.listStatus(src);
      if (files.length == 0) {
        throw new IOException("no files under " + checkpoint);
      }
      for (FileStatus f : files) {
        if (f.isFile()) {
          fs.copyToLocalFile(
              false,
              f.getPath(),
              new org.apache.hadoop.fs.Path(tmp.resolve(f.getPath().getName()).toString()),
              true);
        } else if (f.isDirectory() && !f.getPath().getName().startsWith("_")) {
          copyDir(fs, f.getPath(), tmp.resolve(f.getPath().getName()));
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.isDirectory(target)) {
          throw raced;
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot fetch checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  private static void copyDir(FileSystem fs, org.apache.hadoop.fs.Path dir, Path local)
      throws IOException {
    Files.createDirectories(local);
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.isFile()) {
        fs.copyToLocalFile(
            false,
            f.getPath(),
            new org.apache.hadoop.fs.Path(local.resolve(f.getPath().getName()).toString()),
            true);
      } else {
        copyDir(fs, f.getPath(), local.resolve(f.getPath().getName()));
      }
    }
  }

  static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

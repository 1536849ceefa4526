package org.v2drop.core.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.v2drop.core.checkpoint.CheckpointFiles;
import org.v2drop.core.checkpoint.TensorInfo;
import org.v2drop.core.testing.SafetensorsWriter.Raw;

/** Copies and edits fixture checkpoints for error-path tests. */
public final class Checkpoints {
  private Checkpoints() {}

  /** Copies a fixture directory (recursively) into {@code target}. */
  public static Path copy(String fixture, Path target) throws IOException {
    Path src = Fixtures.dir(fixture);
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path dst = target.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst);
        }
      }
    }
    return target;
  }

  /** All tensors of a checkpoint as raw bytes, by checkpoint key. */
  public static Map<String, Raw> raw(Path dir) throws IOException {
    Map<String, Raw> out = new LinkedHashMap<>();
    for (TensorInfo t : CheckpointFiles.tensors(dir).values()) {
      byte[] data = new byte[(int) (t.end() - t.begin())];
      try (RandomAccessFile f = new RandomAccessFile(t.file().toFile(), "r")) {
        f.seek(t.begin());
        f.readFully(data);
      }
      out.put(t.name(), new Raw(t.dtype(), t.shape(), data));
    }
    return out;
  }

  /** Replaces a single-file checkpoint's tensors by {@code edit(tensors)}. */
  public static void rewrite(Path dir, UnaryOperator<Map<String, Raw>> edit) throws IOException {
    Map<String, Raw> edited = edit.apply(raw(dir));
    SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE), edited);
  }
}

package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.CheckpointFiles;
import org.v2drop.core.checkpoint.DType;
import org.v2drop.core.checkpoint.SafetensorsFile;
import org.v2drop.core.checkpoint.TensorInfo;

/**
 * Reads a checkpoint's tensors under canonical names (a family's key layouts mapped onto one naming
 * by {@code canonical}), checks each shape, converts it to the compute dtype and places it in the
 * model's manager. Keys that map to nothing, or are never read, are reported as unused.
 *
 * <p>Each array is read straight from the file into one native buffer of its final type ({@link
 * SafetensorsFile#readInto}), fused weights included: a float16 checkpoint loaded in float16 never
 * exists in float32, and on a GPU the host holds one array's buffer at a time.
 */
public final class WeightReader {
  private final Path dir;
  private final NDManager manager;
  private final DType target;
  private final Map<String, TensorInfo> byCanonical = new LinkedHashMap<>();
  private final TreeSet<String> unused = new TreeSet<>();

  /**
   * Indexes every tensor of the checkpoint in {@code dir}; two keys that map to the same canonical
   * name are refused.
   */
  public WeightReader(
      Path dir,
      NDManager manager,
      ComputeDType dtype,
      Function<String, Optional<String>> canonical) {
    this.dir = dir;
    this.manager = manager;
    this.target = dtype == ComputeDType.FLOAT16 ? DType.F16 : DType.F32;
    for (TensorInfo t : CheckpointFiles.tensors(dir).values()) {
      String name = canonical.apply(t.name()).orElse(null);
      if (name == null) {
        unused.add(t.name());
        continue;
      }
      TensorInfo prev = byCanonical.put(name, t);
      if (prev != null) {
        throw new CheckpointException(
            dir
                + ": tensors '"
                + prev.name()
                + "' and '"
                + t.name()
                + "' are the same weight in two key layouts");
      }
    }
    byCanonical.values().forEach(t -> unused.add(t.name()));
  }

  /** The checkpoint's keys nothing has read so far, sorted. */
  public List<String> unused() {
    return List.copyOf(unused);
  }

  /** Whether the checkpoint has a tensor under the canonical {@code name}. */
  public boolean has(String name) {
    return byCanonical.containsKey(name);
  }

  /** A vector of {@code n} values. */
  public NDArray vec(String name, long n) {
    return create(new long[] {n}, read(name, n));
  }

  /** Reads an HF (out, in) matrix and returns its transpose (in, out) as a view. */
  public NDArray matT(String name, long out, long in) {
    return create(new long[] {out, in}, read(name, out, in)).transpose();
  }

  /** One array of {@code shape} holding {@code parts} one after another, in the compute dtype. */
  public NDArray create(long[] shape, TensorInfo... parts) {
    long bytes = 0;
    for (TensorInfo t : parts) {
      bytes += t.numel() * target.bytes();
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          parts[0].file()
              + ": tensor '"
              + parts[0].name()
              + "' needs "
              + bytes
              + " bytes as "
              + target
              + "; at most 2 GiB per array are supported");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    for (TensorInfo t : parts) {
      SafetensorsFile.readInto(t, target, buf);
    }
    buf.rewind();
    return manager.create(
        buf, new Shape(shape), target == DType.F16 ? DataType.FLOAT16 : DataType.FLOAT32);
  }

  /**
   * The tensor under the canonical {@code name}, which must have the {@code expected} shape; marks
   * it used.
   */
  public TensorInfo read(String name, long... expected) {
    TensorInfo t = byCanonical.get(name);
    if (t == null) {
      throw new CheckpointException(
          dir
              + ": missing tensor for '"
              + name
              + "' (expected shape "
              + Arrays.toString(expected)
              + "); looked for it under every key layout this model family knows");
    }
    if (!Arrays.equals(t.shape(), expected)) {
      throw new CheckpointException(
          t.file()
              + ": tensor '"
              + t.name()
              + "' has shape "
              + t.shapeString()
              + ", expected "
              + Arrays.toString(expected));
    }
    unused.remove(t.name());
    return t;
  }
}

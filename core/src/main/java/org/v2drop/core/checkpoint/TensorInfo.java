package org.v2drop.core.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: dtype code, shape and absolute byte span in its file.
 *
 * @param begin absolute file offset of the first byte
 * @param end absolute file offset one past the last byte
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end, Path file) {
  public long numel() {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }
}

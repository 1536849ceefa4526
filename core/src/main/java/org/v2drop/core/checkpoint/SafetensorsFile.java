package org.v2drop.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header, then the raw tensor
 * bytes.
 *
 * <p>The header is validated before any tensor is read: its length is bounded, every span lies
 * inside the file, shape × element size equals the span, and spans do not overlap. Tensor data is
 * read with positional reads, so files over 2 GiB work.
 */
public final class SafetensorsFile {
  /** Largest header accepted (the reference implementation uses 100 MB). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsFile(Path path, Map<String, TensorInfo> tensors) {
    this.path = path;
    this.tensors = tensors;
  }

  public Path path() {
    return path;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** Opens and validates the header of {@code path}. */
  public static SafetensorsFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException(path + ": safetensors file not found");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw new CheckpointException(
            path + ": truncated safetensors file (" + fileSize + " bytes, need at least 8)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
        throw new CheckpointException(
            path
                + ": safetensors header length "
                + headerLen
                + " is outside [2, "
                + MAX_HEADER_BYTES
                + "]");
      }
      if (8 + headerLen > fileSize) {
        throw new CheckpointException(
            path
                + ": safetensors header length "
                + headerLen
                + " exceeds the file size "
                + fileSize
                + " (truncated file?)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      String text = new String(header.array(), StandardCharsets.UTF_8);
      return new SafetensorsFile(path, parseHeader(path, text, 8 + headerLen, fileSize));
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot read safetensors file: " + e.getMessage(), e);
    }
  }

  static Map<String, TensorInfo> parseHeader(
      Path path, String text, long dataStart, long fileSize) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          path + ": safetensors header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(path + ": safetensors header must be a JSON object");
    }
    long dataLen = fileSize - dataStart;
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      out.put(name, parseEntry(path, name, e.getValue(), dataStart, dataLen));
    }
    checkNoOverlap(path, out);
    return out;
  }

  private static TensorInfo parseEntry(
      Path path, String name, JsonNode n, long dataStart, long dataLen) {
    String where = path + ": tensor '" + name + "'";
    if (!n.isObject()
        || !n.path("dtype").isTextual()
        || !n.path("shape").isArray()
        || !n.path("data_offsets").isArray()
        || n.path("data_offsets").size() != 2) {
      throw new CheckpointException(
          where + ": header entry must have dtype, shape and two data_offsets, found " + n);
    }
    String dtype = n.get("dtype").asText();
    int elem = DType.sizeOf(dtype);
    if (elem < 0) {
      throw new CheckpointException(where + ": unknown dtype '" + dtype + "'");
    }
    JsonNode shapeNode = n.get("shape");
    long[] shape = new long[shapeNode.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode s = shapeNode.get(i);
      if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
        throw new CheckpointException(
            where + ": shape must hold non-negative integers, found " + shapeNode);
      }
      shape[i] = s.asLong();
      numel = Math.multiplyHigh(numel, shape[i]) != 0 ? -1 : numel * shape[i];
      if (numel < 0 || numel > dataLen) {
        throw new CheckpointException(
            where
                + ": shape "
                + shapeNode
                + " is larger than the file's data ("
                + dataLen
                + " bytes)");
      }
    }
    JsonNode b = n.get("data_offsets").get(0);
    JsonNode en = n.get("data_offsets").get(1);
    if (!b.isIntegralNumber()
        || !en.isIntegralNumber()
        || !b.canConvertToLong()
        || !en.canConvertToLong()) {
      throw new CheckpointException(
          where + ": data_offsets must be integers, found " + n.get("data_offsets"));
    }
    long begin = b.asLong();
    long end = en.asLong();
    if (begin < 0 || end < begin || end > dataLen) {
      throw new CheckpointException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] lie outside the data section of "
              + dataLen
              + " bytes");
    }
    if ((end - begin) != numel * elem) {
      throw new CheckpointException(
          where
              + ": byte span "
              + (end - begin)
              + " does not match shape "
              + shapeNode
              + " x "
              + dtype
              + " ("
              + (numel * elem)
              + " bytes)");
    }
    return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end, path);
  }

  private static void checkNoOverlap(Path path, Map<String, TensorInfo> tensors) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    for (int i = 1; i < sorted.size(); i++) {
      TensorInfo prev = sorted.get(i - 1);
      TensorInfo cur = sorted.get(i);
      if (cur.begin() < prev.end() && cur.end() > cur.begin()) {
        throw new CheckpointException(
            path
                + ": tensors '"
                + prev.name()
                + "' and '"
                + cur.name()
                + "' overlap in the data section");
      }
    }
  }

  /**
   * Reads a tensor into {@code dst} (from its position on, in native byte order) as {@code target}
   * (F32 or F16): straight from the file when the types match, else through one chunk of at most
   * {@value #CHUNK_BYTES} bytes; no other copy of the tensor is made, and the file is read, not
   * mapped (mapped pages would count in the process's resident memory until collected). Narrowing
   * to F16 rounds to nearest even, as torch does, and a finite value beyond F16's range is an error
   * naming the tensor and the element, never a silent infinity.
   */
  public static void readInto(TensorInfo t, DType target, ByteBuffer dst) {
    if (target == DType.BF16) {
      throw new IllegalArgumentException("BF16 arrays are not supported by the engine");
    }
    DType dtype = loadable(t);
    long bytes = t.numel() * target.bytes();
    if (dst.remaining() < bytes) {
      throw new IllegalArgumentException(
          "buffer holds " + dst.remaining() + " bytes, tensor '" + t.name() + "' needs " + bytes);
    }
    ByteBuffer out = dst.duplicate().order(ByteOrder.nativeOrder());
    if (dtype == target && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      out.limit(out.position() + (int) bytes);
      try (FileChannel ch = open(t)) {
        readFully(ch, out, t.begin());
      } catch (IOException e) {
        throw new CheckpointException(
            t.file() + ": cannot read tensor '" + t.name() + "': " + e.getMessage(), e);
      }
      dst.position(dst.position() + (int) bytes);
      return;
    }
    forEachChunk(
        t,
        dtype,
        (buf, done, n) -> {
          if (target == DType.F32) {
            for (int i = 0; i < n; i++) {
              out.putFloat(toFloat(dtype, buf));
            }
          } else {
            for (int i = 0; i < n; i++) {
              float f = toFloat(dtype, buf);
              short h = HalfFloat.fromFloat(f);
              if (HalfFloat.isInfinite(h) && !Float.isInfinite(f)) {
                throw new CheckpointException(
                    t.file()
                        + ": tensor '"
                        + t.name()
                        + "' ("
                        + dtype
                        + ") holds "
                        + f
                        + " at element "
                        + (done + i)
                        + ", outside float16's range (largest 65504); load this checkpoint in"
                        + " float32");
              }
              out.putShort(h);
            }
          }
        });
    dst.position(dst.position() + (int) bytes);
  }

  private static DType loadable(TensorInfo t) {
    return DType.parse(t.dtype())
        .orElseThrow(
            () ->
                new CheckpointException(
                    t.file()
                        + ": tensor '"
                        + t.name()
                        + "' has dtype "
                        + t.dtype()
                        + "; supported: F32, F16, BF16"));
  }

  /** Receives {@code n} elements of a tensor, starting at element {@code done}. */
  private interface Chunk {
    void accept(ByteBuffer buf, long done, int n);
  }

  /** Bytes read at a time when a tensor is converted. */
  static final int CHUNK_BYTES = 8 << 20;

  /** Reads the tensor's bytes in chunks of at most {@value #CHUNK_BYTES} (little-endian). */
  private static void forEachChunk(TensorInfo t, DType dtype, Chunk chunk) {
    long numel = t.numel();
    try (FileChannel ch = open(t)) {
      int chunkElems = CHUNK_BYTES / dtype.bytes();
      ByteBuffer buf =
          ByteBuffer.allocate((int) Math.min(numel, chunkElems) * dtype.bytes())
              .order(ByteOrder.LITTLE_ENDIAN);
      long done = 0;
      while (done < numel) {
        int n = (int) Math.min(chunkElems, numel - done);
        buf.clear().limit(n * dtype.bytes());
        readFully(ch, buf, t.begin() + done * dtype.bytes());
        buf.flip();
        chunk.accept(buf, done, n);
        done += n;
      }
    } catch (IOException e) {
      throw new CheckpointException(
          t.file() + ": cannot read tensor '" + t.name() + "': " + e.getMessage(), e);
    }
  }

  /** The tensor's file, checked to still hold the tensor's span. */
  private static FileChannel open(TensorInfo t) throws IOException {
    FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ);
    if (t.end() > ch.size()) {
      long size = ch.size();
      ch.close();
      throw new CheckpointException(
          t.file()
              + ": tensor '"
              + t.name()
              + "' ends at byte "
              + t.end()
              + " but the file has "
              + size
              + " bytes (file changed or truncated)");
    }
    return ch;
  }

  private static float toFloat(DType dtype, ByteBuffer buf) {
    return switch (dtype) {
      case F32 -> buf.getFloat();
      case BF16 -> Float.intBitsToFloat((buf.getShort() & 0xFFFF) << 16);
      case F16 -> HalfFloat.toFloat(buf.getShort());
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }
}

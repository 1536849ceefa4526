package org.v2drop.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes safetensors files for tests (valid ones, and deliberately broken headers). */
public final class SafetensorsWriter {
  /** A raw tensor: dtype code, shape and little-endian bytes. */
  public record Raw(String dtype, long[] shape, byte[] data) {
    public static Raw f32(long[] shape, float... values) {
      ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      return new Raw("F32", shape, b.array());
    }
  }

  private SafetensorsWriter() {}

  /** A well-formed file holding {@code tensors} in order. */
  public static void write(Path file, Map<String, Raw> tensors) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    List<byte[]> data = new ArrayList<>();
    for (Map.Entry<String, Raw> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype());
      var shape = t.putArray("shape");
      for (long s : e.getValue().shape()) {
        shape.add(s);
      }
      t.putArray("data_offsets").add(offset).add(offset + e.getValue().data().length);
      offset += e.getValue().data().length;
      data.add(e.getValue().data());
    }
    writeRaw(file, json.writeValueAsString(header), data);
  }

  /** A file with a given header text and data bytes, header length taken from the text. */
  public static void writeRaw(Path file, String header, List<byte[]> data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      out.write(h);
      for (byte[] d : data) {
        out.write(d);
      }
    }
  }

  /** A single-tensor map. */
  public static Map<String, Raw> one(String name, Raw raw) {
    Map<String, Raw> m = new LinkedHashMap<>();
    m.put(name, raw);
    return m;
  }
}

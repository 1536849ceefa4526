package org.v2drop.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.v2drop.core.testing.SafetensorsWriter;
import org.v2drop.core.testing.SafetensorsWriter.Raw;

class SafetensorsFileTest {
  @TempDir Path dir;

  @Test
  void readsIntoHalfPrecisionWithARangeCheck() throws Exception {
    Map<String, Raw> t = new LinkedHashMap<>();
    t.put("h", new Raw("F16", new long[] {2}, le((short) 0x3C00, (short) 0x7BFF)));
    t.put("b", new Raw("BF16", new long[] {2}, le((short) 0x3F80, (short) 0x4049)));
    t.put("a", Raw.f32(new long[] {3}, 0.1f, -65504f, 65519f)); // 65519 still rounds to 65504
    t.put("big", new Raw("BF16", new long[] {3}, le((short) 0x3F80, (short) 0x0, (short) 0x47C8)));
    Path f = dir.resolve("m.safetensors");
    SafetensorsWriter.write(f, t);
    Map<String, TensorInfo> infos = SafetensorsFile.open(f).tensors();
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocateDirect(14).order(java.nio.ByteOrder.nativeOrder());
    SafetensorsFile.readInto(infos.get("h"), DType.F16, buf);
    SafetensorsFile.readInto(infos.get("b"), DType.F16, buf);
    SafetensorsFile.readInto(infos.get("a"), DType.F16, buf);
    assertEquals(14, buf.position());
    short[] halves = new short[7];
    buf.rewind().asShortBuffer().get(halves);
    assertArrayEquals(
        new short[] {
          0x3C00, 0x7BFF, 0x3C00, 0x4248, HalfFloat.fromFloat(0.1f), (short) 0xFBFF, 0x7BFF
        },
        halves);
    java.nio.ByteBuffer small =
        java.nio.ByteBuffer.allocateDirect(6).order(java.nio.ByteOrder.nativeOrder());
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> SafetensorsFile.readInto(infos.get("big"), DType.F16, small));
    assertTrue(
        e.getMessage().contains("tensor 'big' (BF16) holds 102400.0 at element 2"), e.getMessage());
    assertTrue(e.getMessage().contains("float16's range"), e.getMessage());
    java.nio.ByteBuffer wide =
        java.nio.ByteBuffer.allocateDirect(12).order(java.nio.ByteOrder.nativeOrder());
    SafetensorsFile.readInto(infos.get("big"), DType.F32, wide);
    assertEquals(102400f, wide.getFloat(8), "float32 holds it");
  }

  @Test
  void readsAndWidensF32F16Bf16() throws Exception {
    Map<String, Raw> t = new LinkedHashMap<>();
    t.put("a", Raw.f32(new long[] {2}, 1.5f, -2f));
    t.put("h", new Raw("F16", new long[] {2}, le((short) 0x3C00, (short) 0xC000)));
    t.put("b", new Raw("BF16", new long[] {1, 2}, le((short) 0x3F80, (short) 0x4049)));
    Path f = dir.resolve("m.safetensors");
    SafetensorsWriter.write(f, t);
    Map<String, TensorInfo> infos = SafetensorsFile.open(f).tensors();
    assertArrayEquals(new float[] {1.5f, -2f}, floats(infos.get("a")));
    assertArrayEquals(new float[] {1f, -2f}, floats(infos.get("h")));
    assertArrayEquals(new float[] {1f, 3.140625f}, floats(infos.get("b")));
    assertArrayEquals(new long[] {1, 2}, infos.get("b").shape());
  }

  @Test
  void unsupportedDtypeIsRefusedWhenRead() throws Exception {
    Path f = dir.resolve("m.safetensors");
    SafetensorsWriter.write(
        f, SafetensorsWriter.one("ids", new Raw("I64", new long[] {1}, new byte[8])));
    TensorInfo t = SafetensorsFile.open(f).tensors().get("ids");
    CheckpointException e = assertThrows(CheckpointException.class, () -> floats(t));
    assertTrue(
        e.getMessage().contains("'ids' has dtype I64; supported: F32, F16, BF16"), e.getMessage());
  }

  /** Each limit of the header checks, on both of its sides. */
  @Test
  void boundariesOfTheHeaderChecks() throws Exception {
    Path empty = dir.resolve("empty.safetensors");
    SafetensorsWriter.writeRaw(empty, "{}", List.of()); // the smallest header, filling the file
    assertEquals(Map.of(), SafetensorsFile.open(empty).tensors());
    Path eight = dir.resolve("eight.safetensors");
    Files.write(eight, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2).array());
    assertMessage(eight, "header length 2 exceeds the file size 8");
    Path one = dir.resolve("one.safetensors");
    SafetensorsWriter.writeRaw(one, "{", List.of(new byte[4]));
    assertMessage(one, "header length 1 is outside [2, ");

    // an empty tensor, and a tensor ending exactly at the end of the data
    SafetensorsWriter.writeRaw(
        dir.resolve("edges.safetensors"),
        "{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        List.of(new byte[8]));
    Map<String, TensorInfo> t = SafetensorsFile.open(dir.resolve("edges.safetensors")).tensors();
    assertEquals(3, t.size(), "adjacent tensors and an empty one at the boundary do not overlap");
    assertEquals(0, floats(t.get("e")).length);
    assertArrayEquals(new float[] {0f}, floats(t.get("b")));

    Path past = dir.resolve("past.safetensors");
    SafetensorsWriter.writeRaw(
        past,
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[5,9]}}",
        List.of(new byte[8]));
    assertMessage(past, "data_offsets [5, 9] lie outside the data section of 8 bytes");
    Path big = dir.resolve("big.safetensors");
    SafetensorsWriter.writeRaw(
        big,
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[3,3],\"data_offsets\":[0,8]}}",
        List.of(new byte[8]));
    assertMessage(big, "shape [3,3] is larger than the file's data (8 bytes)");
    Path span = dir.resolve("span.safetensors");
    SafetensorsWriter.writeRaw(
        span,
        "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        List.of(new byte[8]));
    assertMessage(span, "byte span 8 does not match shape [2] x F16 (4 bytes)");
    Path overlap = dir.resolve("overlap.safetensors");
    SafetensorsWriter.writeRaw(
        overlap,
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[3,7]}}",
        List.of(new byte[8]));
    assertMessage(overlap, "overlap");
  }

  @Test
  void truncatedFilesAreNamed() throws Exception {
    Path f = dir.resolve("short.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertMessage(f, "truncated safetensors file (3 bytes");
    Path g = dir.resolve("cut.safetensors");
    SafetensorsWriter.write(g, SafetensorsWriter.one("a", Raw.f32(new long[] {4}, 1, 2, 3, 4)));
    byte[] all = Files.readAllBytes(g);
    Files.write(g, java.util.Arrays.copyOf(all, all.length - 4));
    assertMessage(g, "lie outside the data section");
    Files.write(g, java.util.Arrays.copyOf(all, 30));
    assertMessage(g, "exceeds the file size");
  }

  @Test
  void absurdHeaderLengthsAreRefusedBeforeAllocation() throws Exception {
    Path f = dir.resolve("huge.safetensors");
    Files.write(
        f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
    assertMessage(f, "header length " + Long.MAX_VALUE + " is outside");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
    assertMessage(f, "header length -5 is outside");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|is not valid JSON",
        "[1,2]|must be a JSON object",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}|must have dtype, shape and two data_offsets",
        "{\"a\": {\"dtype\": \"Q4\", \"shape\": [2], \"data_offsets\": [0, 8]}}|unknown dtype 'Q4'",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}|non-negative integers",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}|does not match shape [3]",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}|lie outside the data section",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [4000000000, 4000000000, 4000000000], \"data_offsets\": [0, 8]}}|larger than the file's data",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 2]}}|lie outside the data section",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}|overlap"
      })
  void lyingHeadersAreRejectedWithTheTensorName(String header, String problem) throws Exception {
    Path f = dir.resolve("lie.safetensors");
    SafetensorsWriter.writeRaw(f, header, List.of(new byte[8]));
    assertMessage(f, problem);
  }

  /** A tensor stored beyond the 2 GiB mark of a (sparse) file is read at its offset. */
  @Test
  void readsTensorsBeyondTwoGibibytes() throws Exception {
    long gap = (1L << 31) + 4096;
    String header =
        "{\"pad\": {\"dtype\": \"U8\", \"shape\": ["
            + gap
            + "], \"data_offsets\": [0, "
            + gap
            + "]},"
            + " \"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ["
            + gap
            + ", "
            + (gap + 8)
            + "]}}";
    byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path f = dir.resolve("big.safetensors");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      raf.write(h);
      raf.seek(8 + h.length + gap);
      raf.write(
          ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putFloat(0.25f)
              .putFloat(-7f)
              .array());
    }
    assertTrue(Files.size(f) > (1L << 31));
    TensorInfo w = SafetensorsFile.open(f).tensors().get("w");
    assertArrayEquals(new float[] {0.25f, -7f}, floats(w));
  }

  @Test
  void missingFileIsNamed() {
    assertMessage(dir.resolve("nope.safetensors"), "safetensors file not found");
  }

  private static void assertMessage(Path f, String problem) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(f));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
  }

  private static byte[] le(short... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : v) {
      b.putShort(s);
    }
    return b.array();
  }

  @Test
  void shardNamesMustStayInsideTheDirectory() throws Exception {
    SafetensorsWriter.write(
        dir.resolve("model-1.safetensors"),
        SafetensorsWriter.one("x", Raw.f32(new long[] {1}, 1f)));
    for (String bad :
        new String[] {"../model-1.safetensors", "/etc/passwd", "sub/model-1.safetensors", ""}) {
      Files.writeString(
          dir.resolve(CheckpointFiles.INDEX), "{\"weight_map\": {\"x\": \"" + bad + "\"}}");
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> CheckpointFiles.tensors(dir));
      assertTrue(
          e.getMessage().contains("escapes the checkpoint directory"), bad + ": " + e.getMessage());
    }
    Files.writeString(
        dir.resolve(CheckpointFiles.INDEX), "{\"weight_map\": {\"y\": \"model-1.safetensors\"}}");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFiles.tensors(dir));
    assertTrue(
        e.getMessage()
            .contains("tensor 'y' is mapped to model-1.safetensors but that shard does not"),
        e.getMessage());
    Files.writeString(
        dir.resolve(CheckpointFiles.INDEX), "{\"weight_map\": {\"x\": \"model-1.safetensors\"}}");
    assertEquals(1, CheckpointFiles.tensors(dir).size());
    Files.writeString(dir.resolve(CheckpointFiles.INDEX), "{\"metadata\": {}}");
    assertThrows(CheckpointException.class, () -> CheckpointFiles.tensors(dir));
  }

  @Test
  void emptyDirectoryNamesBothLayouts() {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFiles.tensors(dir));
    assertTrue(
        e.getMessage().contains("no model.safetensors or model.safetensors.index.json"),
        e.getMessage());
  }

  /** A tensor read as float32 through the loader's path. */
  static float[] floats(TensorInfo t) {
    ByteBuffer buf =
        ByteBuffer.allocateDirect(Math.toIntExact(t.numel() * 4)).order(ByteOrder.nativeOrder());
    SafetensorsFile.readInto(t, DType.F32, buf);
    float[] out = new float[(int) t.numel()];
    buf.rewind().asFloatBuffer().get(out);
    return out;
  }
}

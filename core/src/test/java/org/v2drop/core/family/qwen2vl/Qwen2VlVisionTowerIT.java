package org.v2drop.core.family.qwen2vl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.WeightReader;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.testing.Fixtures;
import org.v2drop.core.testing.Parity;

/**
 * The vision tower against HF's {@code model.visual} on the tiny checkpoints
 * (tools/make_qwen2vl_fixtures.py): two images through the processor and a three-frame video grid
 * in one call, as HF runs them. Qwen2-VL's fixture exercises per-frame attention and the LayerNorm
 * / quick-GELU tower; Qwen2.5-VL's the RMSNorm / SwiGLU tower, windows cut at the grid's edge, the
 * full-attention block and the window permutation and its inverse.
 */
class Qwen2VlVisionTowerIT {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2vl", "tiny-qwen25vl"})
  void featuresEqualHfsVisualModel(String name) throws IOException {
    Path dir = Fixtures.dir(name);
    JsonNode ref = Fixtures.json(dir.resolve("vision.json"));
    Qwen2VlConfig config = Qwen2VlConfig.load(dir);
    Qwen2VlImageProcessor processor = Qwen2VlImageProcessor.load(dir);
    int width = ref.get("input_width").asInt();
    List<float[]> parts = new ArrayList<>();
    List<int[]> grids = new ArrayList<>();
    for (JsonNode e : ref.get("inputs")) {
      int[] grid = {
        e.get("grid_thw").get(0).asInt(),
        e.get("grid_thw").get(1).asInt(),
        e.get("grid_thw").get(2).asInt()
      };
      float[] values;
      if (e.get("kind").asText().equals("image")) {
        Qwen2VlImageProcessor.Patches p =
            processor.process(ImageDecoder.read(dir.resolve(e.get("file").asText())));
        assertArrayEquals(grid, new int[] {p.gridT(), p.gridH(), p.gridW()}, "grid");
        values = p.values();
      } else {
        values = videoPatches(grid[0] * grid[1] * grid[2], width);
      }
      assertEquals(e.get("pixel_sum").asDouble(), sum(values), 1e-6 * values.length, "pixel sum");
      parts.add(values);
      grids.add(grid);
    }
    float[] expected = readFloats(dir.resolve("vision-features.f32"));
    try (NDManager m = NDManager.newBaseManager()) {
      WeightReader r = Qwen2VlWeights.reader(dir, m, ComputeDType.FLOAT32);
      Qwen2VlVisionTower tower = new Qwen2VlVisionTower(config, Qwen2VlWeights.vision(r, config));
      NDArray pixels = m.create(concat(parts), new Shape(ref.get("input_rows").asLong(), width));
      NDArray features = tower.features(pixels, grids);
      assertEquals(
          new Shape(expected.length / ref.get("feature_width").asInt(), 64), features.getShape());
      Parity.assertAllClose(name + " merged features", expected, features.toFloatArray(), 1e-5, 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2vl", "tiny-qwen25vl"})
  void aMissingVisionWeightIsNamed(String name) throws IOException {
    Path dir = Fixtures.dir(name);
    Qwen2VlConfig config = Qwen2VlConfig.load(dir);
    try (NDManager m = NDManager.newBaseManager()) {
      WeightReader r =
          new WeightReader(
              dir,
              m,
              ComputeDType.FLOAT32,
              key ->
                  key.endsWith("merger.mlp.2.bias")
                      ? java.util.Optional.empty()
                      : Qwen2VlWeights.canonical(key));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> Qwen2VlWeights.vision(r, config));
      assertTrue(e.getMessage().contains("visual.merger.mlp.2.bias"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
  }

  /** tools/make_qwen2vl_fixtures.py's video_patches, bit for bit. */
  static float[] videoPatches(int rows, int width) {
    float[] out = new float[rows * width];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        out[i * width + j] = ((i * 31 + j * 17) % 251) / 60f - 2f;
      }
    }
    return out;
  }

  static float[] readFloats(Path file) throws IOException {
    var buf =
        ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[buf.remaining()];
    buf.get(out);
    return out;
  }

  private static float[] concat(List<float[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }
}

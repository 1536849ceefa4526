package org.v2drop.core.family.qwen2vl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.testing.Fixtures;

/**
 * Qwen2-VL's image processor against HF's PIL backend ({@code
 * tools/make_qwen2vl_processor_fixture.py}): the resized sides and grid of every fixture image
 * (smart_resize's round, scale-down and scale-up branches, Python's half-to-even rounding, a wide
 * strip) and every value of pixel_values, from the processor's own saved config and from the older
 * top-level min/max_pixels form.
 */
class Qwen2VlImageProcessorTest {
  static final Path DIR = Fixtures.dir("qwen2vl-processor");

  @TempDir Path tmp;

  @Test
  void patchesEqualHfsForEveryImage() throws IOException {
    for (Path config : new Path[] {DIR, DIR.resolve("legacy")}) {
      Qwen2VlImageProcessor processor = Qwen2VlImageProcessor.load(config);
      JsonNode ref = Fixtures.json(DIR.resolve("reference.json"));
      assertEquals(ref.get("min_pixels").asInt(), processor.settings().minPixels(), "" + config);
      assertEquals(ref.get("max_pixels").asInt(), processor.settings().maxPixels(), "" + config);
      FloatBuffer all =
          ByteBuffer.wrap(Files.readAllBytes(DIR.resolve("pixel_values.f32")))
              .order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer();
      for (JsonNode e : ref.get("images")) {
        String name = e.get("file").asText();
        Qwen2VlImageProcessor.Patches p = processor.process(ImageDecoder.read(DIR.resolve(name)));
        int[] resized =
            Qwen2VlImageProcessor.smartResize(
                e.get("height").asInt(),
                e.get("width").asInt(),
                28,
                processor.settings().minPixels(),
                processor.settings().maxPixels());
        assertArrayEquals(
            new int[] {e.get("resized_height").asInt(), e.get("resized_width").asInt()},
            resized,
            name);
        assertArrayEquals(
            new int[] {
              e.get("image_grid_thw").get(0).asInt(),
              e.get("image_grid_thw").get(1).asInt(),
              e.get("image_grid_thw").get(2).asInt()
            },
            new int[] {p.gridT(), p.gridH(), p.gridW()},
            name + ": image_grid_thw");
        assertEquals(e.get("rows").asInt(), p.rows(), name);
        float[] expected = new float[p.values().length];
        all.get(expected);
        int differing = 0;
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
          float d = Math.abs(expected[i] - p.values()[i]);
          differing += d > 0 ? 1 : 0;
          worst = Math.max(worst, d);
        }
        assertTrue(worst <= 1e-6f, name + ": largest difference " + worst);
        assertEquals(0, differing, name + ": values differing from HF's");
      }
      assertEquals(0, all.remaining(), "every reference value was compared");
    }
  }

  @Test
  void smartResizeRoundsHalvesToEvenAndRefusesExtremeAspectRatios() {
    // 70 / 28 = 2.5 and 126 / 28 = 4.5: Python's round gives 2 and 4 (Math.round would give 3, 5)
    assertArrayEquals(
        new int[] {56, 112}, Qwen2VlImageProcessor.smartResize(70, 126, 28, 3136, 1 << 20));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Qwen2VlImageProcessor.smartResize(10, 2010, 28, 3136, 1 << 20));
    assertTrue(e.getMessage().contains("aspect ratio must be smaller than 200"), e.getMessage());
  }

  @Test
  void aBadConfigIsRefusedNamingTheFile() throws IOException {
    Files.writeString(
        tmp.resolve("preprocessor_config.json"),
        "{\"min_pixels\": 5000, \"max_pixels\": 100, \"patch_size\": 14}");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> Qwen2VlImageProcessor.load(tmp));
    assertTrue(
        e.getMessage().contains("preprocessor_config.json")
            && e.getMessage().contains("min_pixels 5000, max_pixels 100"),
        e.getMessage());
  }
}

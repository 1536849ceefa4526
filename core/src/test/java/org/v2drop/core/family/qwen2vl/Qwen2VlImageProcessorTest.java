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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
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

  /**
   * A video's frames pair into temporal patches in order, an odd count padded with the last frame
   * (HF's video processor); each frame's values in its slot are what the image path makes of it, up
   * to the last bit (the video path fuses rescale and normalize, as HF's torchvision backend).
   */
  @Test
  void videoFramesPairIntoTemporalPatchesWithTheLastRepeated() {
    Qwen2VlImageProcessor p =
        Qwen2VlImageProcessor.load(Fixtures.dir("tiny-qwen2vl")); // video: 56*56 .. 28*28*8
    List<RgbImage> frames = new java.util.ArrayList<>();
    for (int f = 0; f < 5; f++) {
      frames.add(Qwen2VlEngine.pattern(84, 56, f));
    }
    Qwen2VlImageProcessor.Patches v = p.processVideo(frames);
    assertArrayEquals(new int[] {3, 4, 6}, new int[] {v.gridT(), v.gridH(), v.gridW()});
    int rows = 4 * 6;
    int row = 3 * 2 * 14 * 14;
    for (int f = 0; f < 6; f++) {
      // the image path puts a frame in both slots of its own temporal patch
      Qwen2VlImageProcessor.Patches single =
          new Qwen2VlImageProcessor(p.videoSettings()).process(frames.get(Math.min(f, 4)));
      int t = f / 2;
      int slot = f % 2;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < 3; c++) {
          for (int k = 0; k < 14 * 14; k++) {
            float expected = single.values()[r * row + (c * 2) * 196 + k];
            float actual = v.values()[(t * rows + r) * row + (c * 2 + slot) * 196 + k];
            if (Math.abs(expected - actual) > 5e-7f) {
              throw new AssertionError(
                  "frame " + f + " row " + r + " channel " + c + ": " + actual + " != " + expected);
            }
          }
        }
      }
    }
    List<RgbImage> mixed = List.of(frames.get(0), Qwen2VlEngine.pattern(56, 84, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.processVideo(mixed));
    assertTrue(
        e.getMessage().contains("video frame 1 is 56x84 but frame 0 is 84x56"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.processVideo(List.of()));
  }
}

package org.v2drop.core.family.llavanext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.ImageProcessorConfig;
import org.v2drop.core.processor.RgbImage;

/**
 * AnyRes against HF transformers' LLaVA-NeXT processor (PIL backend;
 * tools/make_llava_next_processor_fixture.py): eight images of different aspect ratios under two
 * grid-pinpoint sets — the best resolution, the tiles (base view first) value for value, and the
 * number of {@code <image>} tokens (640×480 → 2,340 and 672×672 → 2,928 among them).
 */
class LlavaNextImageProcessorTest {
  static final Path DIR = Path.of("src/test/resources/fixtures/llava-next-processor");

  @Test
  void tilesAndTokenCountsAreHfs() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
    ImageProcessorConfig clip =
        new ImageProcessorConfig(
            true,
            336,
            0,
            0,
            true,
            336,
            336,
            true,
            1 / 255.0,
            true,
            new float[] {0.48145466f, 0.4578275f, 0.40821073f},
            new float[] {0.26862954f, 0.26130258f, 0.27577711f},
            true,
            14,
            1,
            "<image>");
    int cases = 0;
    for (JsonNode c : ref.get("cases")) {
      List<int[]> pins = new ArrayList<>();
      ref.get("pinpoints")
          .get(c.get("pinpoints").asText())
          .forEach(p -> pins.add(new int[] {p.get(0).asInt(), p.get(1).asInt()}));
      RgbImage img = ImageDecoder.read(DIR.resolve(c.get("image").asText()));
      String where = c.get("image").asText() + " / " + c.get("pinpoints").asText();
      assertArrayEquals(
          new int[] {c.get("best").get(0).asInt(), c.get("best").get(1).asInt()},
          AnyRes.bestResolution(img.height(), img.width(), pins),
          where);
      assertEquals(
          c.get("image_tokens").asInt(),
          AnyRes.imageTokens(img.height(), img.width(), pins, 336, 14, 1, true),
          where + ": <image> tokens");
      List<float[]> tiles = new LlavaNextImageProcessor(clip, pins).process(img);
      assertEquals(c.get("tiles").asInt(), tiles.size(), where + ": tiles");
      for (int t = 0; t < tiles.size(); t++) {
        float[] px = tiles.get(t);
        double sum = 0;
        double squares = 0;
        for (float v : px) {
          sum += v;
          squares += (double) v * v;
        }
        double want = c.get("sums").get(t).asDouble();
        assertEquals(want, sum, 1e-3 * Math.max(1, Math.abs(want)), where + " tile " + t + " sum");
        assertEquals(
            c.get("squares").get(t).asDouble(), squares, 1e-6 * squares, where + " tile " + t);
        for (int k = 0; k < c.get("sample_index").size(); k++) {
          assertEquals(
              c.get("samples").get(t).get(k).asDouble(),
              px[c.get("sample_index").get(k).asInt()],
              1e-6,
              where + " tile " + t + " value " + k);
        }
      }
      cases++;
    }
    assertEquals(16, cases);
  }

  /** The unpadding rule on a grid: rows for a wide image, columns for a tall one. */
  @Test
  void unpaddingDropsThePaddedRowsOrColumns() {
    // 640x480 in a 672x672 grid of 48x48 features: 480 * 48/640 = 36 rows kept, 6 padded each side
    assertArrayEquals(new int[] {6, 42, 0, 48}, AnyRes.unpadded(480, 640, 48, 48));
    assertArrayEquals(new int[] {0, 48, 6, 42}, AnyRes.unpadded(640, 480, 48, 48));
    assertArrayEquals(new int[] {0, 48, 0, 48}, AnyRes.unpadded(672, 672, 48, 48));
  }

  /**
   * The packing order is HF's {@code pack_image_features} (tools/make_llava_next_pack_fixture.py:
   * features carrying their own index): base view, the unpadded grid row by row, a newline closing
   * each row; a lone tile and its newline.
   */
  @Test
  void packingOrderIsHfs() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("pack.json").toFile());
    List<int[]> pins = new ArrayList<>();
    ref.get("pinpoints").forEach(p -> pins.add(new int[] {p.get(0).asInt(), p.get(1).asInt()}));
    int n = 0;
    for (JsonNode c : ref.get("cases")) {
      int[] want = new int[c.get("order").size()];
      for (int i = 0; i < want.length; i++) {
        want[i] = c.get("order").get(i).asInt();
      }
      assertArrayEquals(
          want,
          AnyRes.packOrder(
              c.get("height").asInt(),
              c.get("width").asInt(),
              pins,
              ref.get("tile").asInt(),
              ref.get("side").asInt(),
              c.get("tiles").asInt()),
          c.get("height") + "x" + c.get("width"));
      n++;
    }
    assertEquals(9, n);
  }
}

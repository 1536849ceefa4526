package org.v2drop.core.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.v2drop.core.testing.Fixtures;

/**
 * Bit-exactness against Pillow's {@code Image.resize(BICUBIC)} on odd sizes, down and up, per axis
 * and both.
 */
class PilResizeTest {
  @Test
  void matchesPillowByteForByte() {
    JsonNode ref = Fixtures.json(Fixtures.dir("pil-resize-vectors.json"));
    int cases = 0;
    for (JsonNode c : ref.get("cases")) {
      int w = c.get("width").asInt();
      int h = c.get("height").asInt();
      int tw = c.get("target_width").asInt();
      int th = c.get("target_height").asInt();
      RgbImage src = fromInterleaved(c.get("source_rgb"), w, h);
      RgbImage out = PilResize.bicubic(src, tw, th);
      RgbImage expected = fromInterleaved(c.get("resized_rgb"), tw, th);
      int mismatches = 0;
      int maxDiff = 0;
      for (int ch = 0; ch < 3; ch++) {
        for (int y = 0; y < th; y++) {
          for (int x = 0; x < tw; x++) {
            int d = Math.abs(out.at(ch, y, x) - expected.at(ch, y, x));
            mismatches += d == 0 ? 0 : 1;
            maxDiff = Math.max(maxDiff, d);
          }
        }
      }
      assertEquals(
          0,
          mismatches,
          w
              + "x"
              + h
              + " -> "
              + tw
              + "x"
              + th
              + ": "
              + mismatches
              + " bytes differ from Pillow, max diff "
              + maxDiff);
      cases++;
    }
    assertTrue(cases >= 5, "expected at least 5 resize vectors, found " + cases);
  }

  static RgbImage fromInterleaved(JsonNode rgb, int w, int h) {
    byte[] planes = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      for (int ch = 0; ch < 3; ch++) {
        planes[ch * w * h + i] = (byte) rgb.get(3 * i + ch).asInt();
      }
    }
    return new RgbImage(w, h, planes);
  }

  @Test
  void bicubicKernelHasPillowsShape() {
    assertEquals(1.0, PilResize.filter(0), 0);
    assertEquals(0.0, PilResize.filter(1), 1e-12);
    assertEquals(0.0, PilResize.filter(2), 0);
    assertEquals(-0.0625, PilResize.filter(1.5), 1e-12);
  }
}

package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PresetTest {
  @Test
  void llava192IsThePaperScheduleWithAverage202Point8() {
    DropSchedule s = Preset.LLAVA_192.scaledTo(32);
    assertEquals(List.of(new Stage(3, 0.5), new Stage(17, 0.5), new Stage(22, 0.0)), s.stages());
    int[] perLayer = s.visionTokensPerLayer(576, 32);
    assertEquals(576, perLayer[2]);
    assertEquals(288, perLayer[3]);
    assertEquals(144, perLayer[17]);
    assertEquals(1, perLayer[22]);
    assertEquals(202.8125, Preset.LLAVA_192.referenceAverage(), 1e-9);
  }

  /**
   * llava-128 / llava-64: the 0.01-grid ratio (shape r, r, 0 at layers 3, 17, 22) closest to the
   * target.
   */
  @Test
  void smallerPresetsAreClosestOnTheGrid() {
    assertClosest(Preset.LLAVA_128, 128);
    assertClosest(Preset.LLAVA_64, 64);
    assertEquals(128.53125, Preset.LLAVA_128.referenceAverage(), 1e-9);
    assertEquals(64.53125, Preset.LLAVA_64.referenceAverage(), 1e-9);
  }

  private static void assertClosest(Preset p, double target) {
    double best = Double.MAX_VALUE;
    int bestR = -1;
    for (int r = 0; r <= 100; r++) {
      double avg =
          new DropSchedule(
                  List.of(new Stage(3, r / 100.0), new Stage(17, r / 100.0), new Stage(22, 0)))
              .averageVisionTokens(576, 32);
      if (Math.abs(avg - target) < best) {
        best = Math.abs(avg - target);
        bestR = r;
      }
    }
    assertEquals(bestR / 100.0, p.scaledTo(32).stages().get(0).ratio(), 1e-12, p.id());
    assertEquals(bestR / 100.0, p.scaledTo(32).stages().get(1).ratio(), 1e-12, p.id());
  }

  @Test
  void scalesLayersToOtherDepths() {
    // the first drop stays at 3; 17 and 22 keep their place in the layers after it
    assertArrayEquals(new int[] {3, 4, 5}, layers(Preset.LLAVA_192.scaledTo(6)));
    assertArrayEquals(new int[] {3, 5, 6}, layers(Preset.LLAVA_192.scaledTo(8)));
    assertArrayEquals(new int[] {3, 15, 19}, layers(Preset.LLAVA_192.scaledTo(28)));
    assertArrayEquals(new int[] {3, 16, 21}, layers(Preset.LLAVA_192.scaledTo(30)));
    assertArrayEquals(new int[] {3, 17, 22}, layers(Preset.LLAVA_192.scaledTo(32)));
    assertThrows(IllegalArgumentException.class, () -> Preset.LLAVA_192.scaledTo(5));
    assertTrue(Preset.names().containsAll(List.of("llava-192", "llava-128", "llava-64")));
  }

  @Test
  void keepFollowsTheSpecFormula() {
    assertEquals(1, new Stage(1, 0).keep(576));
    assertEquals(288, new Stage(1, 0.5).keep(576));
    assertEquals(155, new Stage(1, 0.27).keep(576));
    assertEquals(1, new Stage(1, 0.1).keep(5));
    assertEquals(0, new Stage(1, 0.5).keep(0));
    assertEquals(7, new Stage(1, 1).keep(7));
  }

  private static int[] layers(DropSchedule s) {
    return s.stages().stream().mapToInt(Stage::layer).toArray();
  }

  /**
   * qwen2vl-22: V²Drop's Qwen2-VL-7B schedule on its 28 layers, about 22% of the vision tokens on
   * the layer average (the paper's ↓77.8% setting); on other depths its layers map from 28.
   */
  @Test
  void qwen2vlPresetIsTheRepositorysScheduleOn28Layers() {
    DropSchedule s = Preset.QWEN2VL_22.scaledTo(28);
    assertEquals(List.of(new Stage(3, 0.25), new Stage(16, 0.05), new Stage(22, 0.0)), s.stages());
    int[] perLayer = s.visionTokensPerLayer(1200, 28); // ~ a 896x1344 image's merged tokens
    assertEquals(1200, perLayer[2]);
    assertEquals(300, perLayer[3]);
    assertEquals(15, perLayer[16]);
    assertEquals(1, perLayer[22]);
    double share = s.averageVisionTokens(1200, 28) / 1200;
    assertEquals(0.225, share, 0.005, "about 22% kept on the layer average");
    assertEquals(28, Preset.QWEN2VL_22.referenceLayers());
    assertArrayEquals(new int[] {3, 6, 7}, layers(Preset.QWEN2VL_22.scaledTo(8)));
    assertArrayEquals(new int[] {3, 18, 25}, layers(Preset.QWEN2VL_22.scaledTo(32)));
    assertEquals(Preset.QWEN2VL_22, Preset.byId("qwen2vl-22"));
  }
}

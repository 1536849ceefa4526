package org.v2drop.core.family.qwen2vl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.v2drop.core.checkpoint.RopeConfig;
import org.v2drop.core.model.Rope;
import org.v2drop.core.testing.Fixtures;

/**
 * M-RoPE position ids, rope deltas and the decoder's rotary tables against HF's get_rope_index and
 * rotary embedding for Qwen2-VL and Qwen2.5-VL ({@code tools/make_mrope_fixture.py}): text only,
 * one image, two images, a video longer in time than wide, an image and a video, two videos with
 * different seconds per grid.
 */
class MropePositionsTest {
  @Test
  void positionsAndDeltasEqualHfs() {
    JsonNode ref = Fixtures.json(Fixtures.dir("qwen2vl-mrope").resolve("reference.json"));
    int merge = ref.get("spatial_merge_size").asInt();
    int tps = ref.get("tokens_per_second").asInt();
    int[] section = ints(ref.get("mrope_section"));
    float[] inverse =
        Rope.inverseFrequencies(
            RopeConfig.plain(ref.get("rope_theta").asDouble()), ref.get("head_dim").asInt());
    int cases = 0;
    for (JsonNode c : ref.get("cases")) {
      String name = c.get("family").asText() + " " + c.get("name").asText();
      int[] types = ints(c.get("types"));
      double[] seconds = null;
      if (c.get("family").asText().equals("qwen2_5_vl")) {
        seconds = new double[c.get("second_per_grid_ts").size()];
        for (int i = 0; i < seconds.length; i++) {
          seconds[i] = c.get("second_per_grid_ts").get(i).asDouble();
        }
      }
      MropePositions.Result r =
          MropePositions.of(
              types,
              grids(c.get("image_grid_thw")),
              grids(c.get("video_grid_thw")),
              seconds,
              merge,
              tps);
      for (int row = 0; row < 3; row++) {
        assertArrayEquals(
            Fixtures.longs(c.get("position_ids").get(row)), r.rows()[row], name + ": row " + row);
      }
      assertEquals(c.get("rope_delta").asLong(), r.delta(), name + ": rope delta");
      float[][] cs = Rope.cosSin(inverse, r.rows(), Rope.mropeRows(section, inverse.length));
      int dim = ref.get("head_dim").asInt();
      for (int p = 0; p < types.length; p++) {
        float[] cos = Fixtures.floats(c.get("cos").get(p));
        float[] sin = Fixtures.floats(c.get("sin").get(p));
        for (int i = 0; i < dim; i++) {
          // within 1e-6: torch's float32 inv_freq and vectorised cos/sin against the 1-D tables'
          // (RopeTest's tolerance); a wrong row or chunk moves an angle by >= 3e-4 here
          float gotCos = cs[0][p * dim + i];
          assertEquals(cos[i], gotCos, 1e-6f, name + ": cos of token " + p + " dim " + i);
          float signed = i < dim / 2 ? -sin[i] : sin[i]; // rotate_half: minus on the first half
          float gotSin = cs[1][p * dim + i];
          assertEquals(signed, gotSin, 1e-6f, name + ": sin of token " + p + " dim " + i);
        }
      }
      cases++;
    }
    assertEquals(12, cases);
  }

  @Test
  void spansThatDoNotMatchTheirGridsAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MropePositions.of(
                    new int[] {0, 1, 1, 1, 0},
                    List.of(new int[] {1, 4, 4}),
                    List.of(),
                    null,
                    2,
                    2));
    assertTrue(e.getMessage().contains("gives 4 tokens but its span holds 3"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MropePositions.of(
                    new int[] {0, 0}, List.of(new int[] {1, 2, 2}), List.of(), null, 2, 2));
    assertTrue(e.getMessage().contains("0 image span(s)"), e.getMessage());
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  private static List<int[]> grids(JsonNode a) {
    List<int[]> out = new ArrayList<>();
    a.forEach(g -> out.add(ints(g)));
    return out;
  }
}

package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each policy against a stub layer view that records what it was asked: which signal a method ranks
 * by (spec "V²Drop" 1-2, "Baselines"), and that V²Drop needs no attention at all — the property
 * that lets it run with fused attention kernels.
 */
class DropPoliciesTest {
  /** A layer view with fixed signals that records every question. */
  static final class StubView implements LayerView {
    final List<String> asked = new ArrayList<>();
    final String sampleId;
    final int layer;

    StubView(String sampleId, int layer) {
      this.sampleId = sampleId;
      this.layer = layer;
    }

    @Override
    public int layer() {
      asked.add("layer");
      return layer;
    }

    @Override
    public String sampleId() {
      asked.add("sampleId");
      return sampleId;
    }

    @Override
    public long[] alivePositions() {
      return new long[] {10, 11, 12, 13, 14, 15};
    }

    @Override
    public float[] variation() {
      asked.add("variation");
      return new float[] {0.5f, 3f, 0.1f, 2f, 2f, 0f};
    }

    @Override
    public float[] lastTokenAttention(AttentionSource source) {
      asked.add("attention " + source);
      return source == AttentionSource.PREVIOUS_LAYER
          ? new float[] {0.9f, 0f, 0f, 0.05f, 0f, 0.05f}
          : new float[] {0f, 0f, 0.7f, 0f, 0.2f, 0.1f};
    }
  }

  @Test
  void v2dropKeepsTheLargestVariationAndNeverAsksForAttention() {
    StubView view = new StubView("s", 3);
    assertArrayEquals(
        new int[] {1, 3, 4},
        DropMethod.V2DROP.policy().select(view, 3),
        "largest variation, ties by lower index, returned ascending");
    assertEquals(List.of("variation"), view.asked);
  }

  @Test
  void fastvRanksByThePreviousLayersAttentionAndPdropByThisLayers() {
    StubView fastv = new StubView("s", 3);
    assertArrayEquals(
        new int[] {0, 3},
        DropMethod.FASTV.policy().select(fastv, 2),
        "0.05 tie between indices 3 and 5: the lower index wins");
    assertEquals(List.of("attention PREVIOUS_LAYER"), fastv.asked);
    StubView pdrop = new StubView("s", 3);
    assertArrayEquals(new int[] {2, 4}, DropMethod.PDROP.policy().select(pdrop, 2));
    assertEquals(List.of("attention THIS_LAYER"), pdrop.asked);
  }

  @Test
  void randomIsSeededBySampleAndLayerAndReadsNoHiddenState() {
    StubView view = new StubView("sample-1", 4);
    int[] first = DropMethod.RANDOM.policy().select(view, 3);
    assertFalse(
        view.asked.contains("variation")
            || view.asked.stream().anyMatch(a -> a.startsWith("attention")),
        view.asked.toString());
    assertArrayEquals(
        first, DropMethod.RANDOM.policy().select(new StubView("sample-1", 4), 3), "reproducible");
    int differs = 0;
    for (int i = 0; i < 20; i++) {
      int[] other = DropMethod.RANDOM.policy().select(new StubView("sample-" + (i + 2), 4), 3);
      assertEquals(3, other.length);
      differs += java.util.Arrays.equals(first, other) ? 0 : 1;
    }
    assertFalse(differs < 10, "other sample ids choose other tokens (" + differs + "/20 differ)");
  }
}

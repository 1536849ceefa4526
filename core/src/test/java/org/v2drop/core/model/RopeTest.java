package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.checkpoint.RopeConfig;
import org.v2drop.core.testing.Parity;

class RopeTest {
  @Test
  void defaultInverseFrequencies() {
    float[] inv = Rope.inverseFrequencies(RopeConfig.plain(10000), 8);
    Parity.assertAllClose("inv_freq", new float[] {1f, 0.1f, 0.01f, 0.001f}, inv, 0, 1e-6);
  }

  /**
   * Values printed by transformers 5.17 for head_dim 16, theta 5e5, llama3 factor 8, low 1, high 4,
   * orig 64.
   */
  @Test
  void llama3MatchesTransformers() {
    RopeConfig c = new RopeConfig("llama3", 500000, 8, 1, 4, 64);
    float[] expected = {
      1.0f,
      7.9403e-02f,
      4.7008e-03f,
      9.1158e-04f,
      1.7678e-04f,
      3.4281e-05f,
      6.6479e-06f,
      1.2892e-06f
    };
    Parity.assertAllClose("llama3 inv_freq", expected, Rope.inverseFrequencies(c, 16), 0, 1e-4);
  }

  @Test
  void linearDividesByFactor() {
    float[] plain = Rope.inverseFrequencies(RopeConfig.plain(10000), 8);
    float[] linear = Rope.inverseFrequencies(new RopeConfig("linear", 10000, 4, 0, 0, 0), 8);
    for (int i = 0; i < plain.length; i++) {
      assertEquals(plain[i] / 4, linear[i], 1e-9);
    }
  }

  @Test
  void cosSinRepeatTheHalfAnglesWithRotateHalfsSignOnSin() {
    float[][] t = Rope.cosSin(new float[] {1f, 0.5f}, new long[] {0, 3});
    Parity.assertAllClose(
        "cos",
        new float[] {
          1,
          1,
          1,
          1,
          (float) Math.cos(3),
          (float) Math.cos(1.5),
          (float) Math.cos(3),
          (float) Math.cos(1.5)
        },
        t[0],
        1e-7,
        0);
    Parity.assertAllClose(
        "signed sin",
        new float[] {
          -0f,
          -0f,
          0,
          0,
          (float) -Math.sin(3),
          (float) -Math.sin(1.5),
          (float) Math.sin(3),
          (float) Math.sin(1.5)
        },
        t[1],
        1e-7,
        0);
  }

  @Test
  void rejectsUnknownScaling() {
    assertThrows(CheckpointException.class, () -> new RopeConfig("yarn", 10000, 2, 0, 0, 0));
  }
}

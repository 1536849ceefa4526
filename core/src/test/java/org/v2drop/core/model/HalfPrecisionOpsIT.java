package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.v2drop.core.testing.Parity;

/**
 * Where HF upcasts a float16 model, the engine does too: activations of a 7B-class model reach a
 * few hundred in some channels, whose squares (RMSNorm statistics) and attention scores overflow
 * float16's 65504. Each case uses values that give infinities or zeros when computed in float16
 * throughout.
 */
class HalfPrecisionOpsIT {
  @Test
  void rmsNormTakesItsStatisticsInFloat32() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      NDArray x32 = m.randomNormal(new Shape(2, 4096)).mul(300f); // x^2 up to ~1e6
      NDArray w32 = m.randomNormal(new Shape(4096));
      NDArray x = x32.toType(DataType.FLOAT16, false);
      NDArray w = w32.toType(DataType.FLOAT16, false);
      NDArray out = Ops.rmsNorm(x, w, 1e-5f);
      assertEquals(DataType.FLOAT16, out.getDataType(), "the input's type comes back");
      // HF: weight * (x.float() * rsqrt(mean(x.float()^2) + eps)).to(float16)
      NDArray xf = x.toType(DataType.FLOAT32, false);
      NDArray root = xf.square().mean(new int[] {-1}, true).add(1e-5f).sqrt();
      NDArray expected = xf.mul(root.onesLike().div(root)).toType(DataType.FLOAT16, false).mul(w);
      float[] actual = out.toType(DataType.FLOAT32, false).toFloatArray();
      for (float v : actual) {
        assertTrue(Float.isFinite(v), "finite output");
      }
      assertArrayEquals(expected.toType(DataType.FLOAT32, false).toFloatArray(), actual);
    }
  }

  /**
   * SiLU is torch's kernel (HF's): in float16 computed in float32 and rounded once, so it agrees
   * with {@code x * sigmoid(x)} in float32 rounded to float16 up to one float16 rounding, and never
   * overflows where x is finite.
   */
  @Test
  void siluRoundsOnceLikeTorchsKernel() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(8);
      NDArray x = m.randomNormal(new Shape(1000)).mul(4f).toType(DataType.FLOAT16, false);
      NDArray xf = x.toType(DataType.FLOAT32, false);
      NDArray once = xf.mul(Ops.sigmoid(xf)).toType(DataType.FLOAT16, false);
      NDArray out = Ops.activation(x, "silu");
      assertEquals(DataType.FLOAT16, out.getDataType());
      float[] expected = once.toType(DataType.FLOAT32, false).toFloatArray();
      float[] actual = out.toType(DataType.FLOAT32, false).toFloatArray();
      int equal = 0;
      for (int i = 0; i < actual.length; i++) {
        assertTrue(Float.isFinite(actual[i]));
        // one float16 step of the value (2^-10 relative), or of 2^-14 near zero
        float step = Math.max(Math.abs(expected[i]) * 0x1p-10f, 0x1p-24f);
        assertTrue(
            Math.abs(actual[i] - expected[i]) <= step, i + ": " + actual[i] + " vs " + expected[i]);
        equal += actual[i] == expected[i] ? 1 : 0;
      }
      assertTrue(equal > 990, "rounded once: all but a few equal, found " + equal);
    }
  }

  @Test
  void dropScoresAreFloat32FromHalfProjections() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(9);
      // scores q.k of ~ 128 * 40 * 40 = 2e5: beyond float16
      NDArray q32 = m.randomUniform(30f, 50f, new Shape(4, 1, 128));
      NDArray k32 = m.randomUniform(30f, 50f, new Shape(2, 9, 128));
      NDArray q = q32.toType(DataType.FLOAT16, false);
      NDArray k = k32.toType(DataType.FLOAT16, false);
      float[] probs = Attention.rowProbabilities(q, k, 8, 0);
      float[] expected =
          Attention.rowProbabilities(
              q.toType(DataType.FLOAT32, false), k.toType(DataType.FLOAT32, false), 8, 0);
      Parity.assertAllClose("row probabilities", expected, probs, 0, 0);
      double sum = 0;
      for (float p : probs) {
        assertTrue(Float.isFinite(p));
        sum += p;
      }
      assertEquals(1.0, sum, 1e-5, "a softmax row");
    }
  }

  @Test
  void masksTakeTheQueriesType() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray mask = Attention.causalMask(m, 2, 5, DataType.FLOAT16, 0);
      assertEquals(DataType.FLOAT16, mask.getDataType());
      float[] v = mask.toType(DataType.FLOAT32, false).toFloatArray();
      assertEquals(0f, v[3]); // query 0 (position 3) sees key 3
      assertEquals(Float.NEGATIVE_INFINITY, v[4]);
    }
  }

  @Test
  void dtypeNamesAndAuto() {
    assertEquals(ComputeDType.FLOAT32, ComputeDType.parse("auto", Device.cpu(), "x"));
    assertEquals(ComputeDType.FLOAT16, ComputeDType.parse("auto", Device.gpu(0), "x"));
    assertEquals(ComputeDType.FLOAT16, ComputeDType.parse("fp16", Device.cpu(), "x"));
    assertEquals(ComputeDType.FLOAT32, ComputeDType.parse(" Float32 ", Device.gpu(0), "x"));
    IllegalArgumentException bf16 =
        assertThrows(
            IllegalArgumentException.class,
            () -> ComputeDType.parse("bfloat16", Device.cpu(), "sweep.yaml: models[0].dtype"));
    assertTrue(bf16.getMessage().startsWith("sweep.yaml: models[0].dtype: dtype 'bfloat16'"));
    assertTrue(bf16.getMessage().contains("use float16"), bf16.getMessage());
    IllegalArgumentException odd =
        assertThrows(
            IllegalArgumentException.class, () -> ComputeDType.parse("int8", Device.cpu(), "--d"));
    assertTrue(odd.getMessage().contains("auto, float32, float16"), odd.getMessage());
  }
}

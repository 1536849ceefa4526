package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Shared scalar tensors: one per value, outliving the scope they were first asked for in, same
 * floats as DJL's.
 */
class ScalarsIT {
  @Test
  void sharedScalarsSurviveScopesAndGiveDjlsFloats() {
    NDArray eps;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      eps = Scalars.of(1e-5f);
    }
    assertSame(eps, Scalars.of(1e-5f), "one tensor per value");
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      NDArray x = m.randomNormal(new Shape(4, 33));
      NDArray viaShared = x.add(eps); // still open although its first scope closed
      assertArrayEquals(x.add(1e-5f).toFloatArray(), viaShared.toFloatArray());
      assertSame(
          m, viaShared.getManager(), "an op's result belongs to its first operand's manager");
      assertArrayEquals(x.mul(0.125f).toFloatArray(), x.mul(Scalars.of(0.125f)).toFloatArray());
      assertEquals(0, eps.getShape().dimension(), "a 0-d tensor broadcasts like a scalar");
    }
  }

  @Test
  void rmsNormMultipliesByTheReciprocalRootAsHfDoes() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      NDArray x = m.randomNormal(new Shape(3, 16));
      NDArray w = m.randomNormal(new Shape(16));
      NDArray root = x.square().mean(new int[] {-1}, true).add(1e-6f).sqrt();
      // HF: weight * (x * rsqrt(variance + eps)); DJL has no rsqrt; 1 / sqrt is the nearest it
      // gives
      NDArray expected = w.mul(x.mul(root.onesLike().div(root)));
      assertArrayEquals(expected.toFloatArray(), Ops.rmsNorm(x, w, 1e-6f).toFloatArray());
    }
  }
}

package org.v2drop.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatTest {
  @Test
  void convertsNormalsSubnormalsAndSpecials() {
    assertEquals(1.0f, HalfFloat.toFloat((short) 0x3C00));
    assertEquals(-2.0f, HalfFloat.toFloat((short) 0xC000));
    assertEquals(65504f, HalfFloat.toFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, HalfFloat.toFloat((short) 0x0001));
    assertEquals(0x1p-14f, HalfFloat.toFloat((short) 0x0400));
    assertEquals(0.333251953125f, HalfFloat.toFloat((short) 0x3555));
    assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat((short) 0x7C00));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloat.toFloat((short) 0xFC00));
    assertTrue(Float.isNaN(HalfFloat.toFloat((short) 0x7E00)));
    assertEquals(
        Float.floatToIntBits(-0.0f), Float.floatToIntBits(HalfFloat.toFloat((short) 0x8000)));
  }

  @Test
  void everyHalfRoundTripsAndMidpointsRoundToEven() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float f = HalfFloat.toFloat((short) bits);
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(f))));
        continue;
      }
      assertEquals((short) bits, HalfFloat.fromFloat(f), "half 0x" + Integer.toHexString(bits));
      if (bits < 0x7BFF) { // positive and below the largest: halfway up ties to the even one
        double mid = ((double) f + HalfFloat.toFloat((short) (bits + 1))) / 2;
        short even = (short) ((bits & 1) == 0 ? bits : bits + 1);
        assertEquals(even, HalfFloat.fromFloat((float) mid), "midpoint above half " + bits);
      }
    }
    assertEquals((short) 0x7BFF, HalfFloat.fromFloat(65519f), "below the overflow threshold");
    assertEquals((short) 0x7C00, HalfFloat.fromFloat(65520f), "the overflow threshold");
    assertTrue(HalfFloat.isInfinite(HalfFloat.fromFloat(1e6f)));
    assertEquals((short) 0x0001, HalfFloat.fromFloat(0x1.8p-25f), "above half the least subnormal");
    assertEquals((short) 0x0000, HalfFloat.fromFloat(0x1p-25f), "exactly half: ties to even zero");
    assertEquals((short) 0x8000, HalfFloat.fromFloat(-1e-30f));
  }
}

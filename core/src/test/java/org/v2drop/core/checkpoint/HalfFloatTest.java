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
}

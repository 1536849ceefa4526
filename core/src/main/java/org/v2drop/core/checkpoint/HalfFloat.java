package org.v2drop.core.checkpoint;

/** IEEE 754 binary16 → binary32 conversion (Java 17 has no Float.float16ToFloat). */
public final class HalfFloat {
  private HalfFloat() {}

  /**
   * Converts the 16 bits of an IEEE half to the float of exactly the same value (subnormals, inf,
   * NaN kept).
   */
  public static float toFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h >>> 15) << 31;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1p-24f; // subnormal: mant × 2^-24
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}

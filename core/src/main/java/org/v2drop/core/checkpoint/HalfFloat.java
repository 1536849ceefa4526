package org.v2drop.core.checkpoint;

/** IEEE 754 binary16 ↔ binary32 conversions (Java 17 has no Float.float16ToFloat). */
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

  /**
   * The half nearest to {@code f}, ties to even (torch's {@code .to(torch.float16)}): values beyond
   * the largest half (65504 plus half an ulp) become infinities, tiny ones subnormals or zero; NaN
   * stays NaN.
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    if (exp == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 112; // the half's biased exponent
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal
      }
      int full = mant | 0x800000; // the implicit bit
      int shift = 14 - e; // subnormal units of 2^-24
      int half = full >>> shift;
      int rest = full & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // a carry into the exponent is still the right value (up to infinity)
    }
    return (short) (sign | half);
  }

  /** Whether the half bits are an infinity. */
  public static boolean isInfinite(short bits) {
    return (bits & 0x7FFF) == 0x7C00;
  }
}

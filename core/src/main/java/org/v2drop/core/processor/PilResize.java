package org.v2drop.core.processor;

/**
 * PIL-compatible antialiased bicubic resize of 8-bit images ({@code Image.resize(size, BICUBIC)}):
 * separable convolution, horizontal pass first, support scaled by the downscale factor,
 * coefficients normalised and rounded to 22-bit fixed point, each pass rounded and clipped to 8
 * bits.
 */
public final class PilResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double BICUBIC_SUPPORT = 2.0;
  private static final double A = -0.5;

  private PilResize() {}

  /** Resizes to (outWidth, outHeight). */
  public static RgbImage bicubic(RgbImage in, int outWidth, int outHeight) {
    RgbImage img = in;
    if (outWidth != img.width()) {
      img = pass(img, outWidth, true);
    }
    if (outHeight != img.height()) {
      img = pass(img, outHeight, false);
    }
    return img;
  }

  static double filter(double x) {
    x = Math.abs(x);
    if (x < 1.0) {
      return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * A;
    }
    return 0.0;
  }

  /**
   * Fixed-point coefficients for one axis: bounds[2*o] = first input index, bounds[2*o+1] = count.
   */
  private record Coefficients(int[] bounds, int[][] weights) {}

  static Coefficients coefficients(int inSize, int outSize) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = BICUBIC_SUPPORT * filterScale;
    int[] bounds = new int[2 * outSize];
    int[][] weights = new int[outSize][];
    for (int o = 0; o < outSize; o++) {
      double center = (o + 0.5) * scale;
      double ss = 1.0 / filterScale;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      double[] k = new double[xmax];
      double ww = 0.0;
      for (int x = 0; x < xmax; x++) {
        double w = filter((x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
      }
      int[] fixed = new int[xmax];
      for (int x = 0; x < xmax; x++) {
        double v = ww != 0.0 ? k[x] / ww : k[x];
        fixed[x] =
            (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
      }
      bounds[2 * o] = xmin;
      bounds[2 * o + 1] = xmax;
      weights[o] = fixed;
    }
    return new Coefficients(bounds, weights);
  }

  private static RgbImage pass(RgbImage in, int outSize, boolean horizontal) {
    int w = in.width();
    int h = in.height();
    int inSize = horizontal ? w : h;
    Coefficients c = coefficients(inSize, outSize);
    int ow = horizontal ? outSize : w;
    int oh = horizontal ? h : outSize;
    byte[] out = new byte[3 * ow * oh];
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          int o = horizontal ? x : y;
          int start = c.bounds()[2 * o];
          int[] k = c.weights()[o];
          long ss = 1L << (PRECISION_BITS - 1);
          for (int i = 0; i < k.length; i++) {
            int v = horizontal ? in.at(ch, y, start + i) : in.at(ch, start + i, x);
            ss += (long) v * k[i];
          }
          out[(ch * oh + y) * ow + x] = (byte) clip8(ss);
        }
      }
    }
    return new RgbImage(ow, oh, out);
  }

  private static int clip8(long ss) {
    long v = ss >> PRECISION_BITS;
    return (int) Math.max(0, Math.min(255, v));
  }
}

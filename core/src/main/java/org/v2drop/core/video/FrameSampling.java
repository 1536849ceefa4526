package org.v2drop.core.video;

/** Which frames of a video a benchmark's model sees. */
public final class FrameSampling {
  private FrameSampling() {}

  /**
   * {@code np.linspace(0, total - 1, wanted, dtype=int)}, as lmms-eval samples a video: {@code
   * wanted} indices spread evenly over {@code total} frames, first and last included, truncated
   * toward zero; every frame, once, when {@code wanted} is 0 or not below {@code total} (where
   * lmms-eval would repeat frames; docs/video.md).
   */
  public static int[] uniform(int total, int wanted) {
    if (wanted <= 0 || wanted >= total) {
      int[] all = new int[total];
      for (int i = 0; i < total; i++) {
        all[i] = i;
      }
      return all;
    }
    return linspace(total, wanted);
  }

  /**
   * {@code np.linspace(0, total - 1, n, dtype=int)} exactly, repeats included (for {@code total <
   * n}); empty-video edge: all {@code -1} for {@code total == 0}, as numpy gives.
   */
  public static int[] linspace(long total, int n) {
    int[] out = new int[n];
    double stop = total - 1;
    double step = n == 1 ? 0 : stop / (n - 1);
    for (int i = 0; i < n; i++) {
      out[i] = i == n - 1 && n > 1 ? (int) stop : (int) (i * step);
    }
    return out;
  }
}

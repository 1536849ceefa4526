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
    int[] out = new int[wanted];
    double step = wanted == 1 ? 0 : (double) (total - 1) / (wanted - 1);
    for (int i = 0; i < wanted; i++) {
      out[i] = i == wanted - 1 && wanted > 1 ? total - 1 : (int) (i * step);
    }
    return out;
  }
}

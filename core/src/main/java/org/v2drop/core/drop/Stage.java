package org.v2drop.core.drop;

/**
 * One drop: before decoder layer {@code layer} runs, keep {@code max(1, floor(alive * ratio))}
 * vision tokens.
 *
 * @param layer 0-based decoder layer index, at least 1
 * @param ratio fraction of the alive vision tokens kept, in [0, 1]
 */
public record Stage(int layer, double ratio) {
  public Stage {
    if (layer < 1) {
      throw new IllegalArgumentException("drop layer must be >= 1, found " + layer);
    }
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("ratio must be in [0, 1], found " + ratio);
    }
  }

  /** Tokens kept out of {@code alive} (spec: k = max(1, floor(n_alive * ratio))). */
  public int keep(int alive) {
    return alive == 0 ? 0 : Math.max(1, (int) Math.floor(alive * ratio));
  }

  /** The spec form {@code layer:ratio} with the shortest exact decimal ratio. */
  @Override
  public String toString() {
    String r = ratio == Math.rint(ratio) ? Long.toString((long) ratio) : Double.toString(ratio);
    return layer + ":" + r;
  }
}

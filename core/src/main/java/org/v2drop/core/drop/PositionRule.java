package org.v2drop.core.drop;

/** What happens to the position ids of the tokens that survive a drop (spec "Baselines"). */
public enum PositionRule {
  /**
   * Every kept token keeps its original position id (V²Drop, FastV, random), so RoPE sees the gaps.
   */
  KEEP_ORIGINAL,
  /**
   * The kept tokens are renumbered 0..n-1 after each drop, and decoding continues after them
   * (PyramidDrop).
   */
  RENUMBER
}

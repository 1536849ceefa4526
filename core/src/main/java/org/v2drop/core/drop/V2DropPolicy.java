package org.v2drop.core.drop;

/**
 * V²Drop: keep the tokens whose residual stream changed most in the previous layer (spec "V²Drop",
 * steps 1-2, 6).
 */
public final class V2DropPolicy implements DropPolicy {
  @Override
  public int[] select(LayerView view, int keep) {
    return TopK.largest(view.variation(), view.alivePositions(), keep);
  }
}

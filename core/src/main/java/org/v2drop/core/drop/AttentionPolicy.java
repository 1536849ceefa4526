package org.v2drop.core.drop;

/**
 * FastV and PyramidDrop: keep the tokens the last prompt token attends to most (spec "Baselines").
 */
public final class AttentionPolicy implements DropPolicy {
  private final AttentionSource source;

  public AttentionPolicy(AttentionSource source) {
    this.source = source;
  }

  @Override
  public int[] select(LayerView view, int keep) {
    return TopK.largest(view.lastTokenAttention(source), view.alivePositions(), keep);
  }
}

package org.v2drop.core.drop;

/** Uniform random choice seeded from (sample id, layer); see {@link SeededKeys}. */
public final class RandomPolicy implements DropPolicy {
  @Override
  public int[] select(LayerView view, int keep) {
    long[] positions = view.alivePositions();
    return TopK.smallestUnsigned(
        SeededKeys.keys(view.sampleId(), view.layer(), positions), positions, keep);
  }
}

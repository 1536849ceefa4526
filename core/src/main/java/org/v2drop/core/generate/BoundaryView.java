package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import org.v2drop.core.drop.AttentionSource;
import org.v2drop.core.drop.LayerView;

/**
 * One sequence's view of the prefill state at a drop boundary ({@link BatchBoundary}), as a drop
 * policy sees it. Everything is computed on demand.
 */
final class BoundaryView implements LayerView {
  private final BatchBoundary boundary;
  private final int sequence; // index in the batch
  private final long rows; // the sequence's real rows (the rest is padding)
  private final String sampleId;
  private final long[] alivePositions; // (alive) original positions of alive vision tokens
  private final long[] visionRows; // (alive) their physical rows in the current sequence
  private final long[][]
      ropePositions; // (id rows, rows) position ids of the rows, this layer's and the previous

  BoundaryView(
      BatchBoundary boundary,
      int sequence,
      long rows,
      String sampleId,
      long[] alivePositions,
      long[] visionRows,
      long[][] ropePositions) {
    this.boundary = boundary;
    this.sequence = sequence;
    this.rows = rows;
    this.sampleId = sampleId;
    this.alivePositions = alivePositions;
    this.visionRows = visionRows;
    this.ropePositions = ropePositions;
  }

  @Override
  public int layer() {
    return boundary.layer;
  }

  @Override
  public String sampleId() {
    return sampleId;
  }

  @Override
  public long[] alivePositions() {
    return alivePositions.clone();
  }

  @Override
  public float[] variation() {
    return boundary.variation(sequence, visionRows);
  }

  @Override
  public float[] lastTokenAttention(AttentionSource source) {
    boolean prev = source == AttentionSource.PREVIOUS_LAYER;
    NDArray x = boundary.rows(sequence, rows, prev); // (rows, hidden)
    NDArray[] cs = boundary.rope.cosSin(x.getManager(), ropePositions); // (rows, headDim) each
    float[] row =
        (prev ? boundary.previous : boundary.current).lastRowAttention(x, cs[0], cs[1], rows - 1);
    float[] out = new float[visionRows.length];
    for (int i = 0; i < visionRows.length; i++) {
      out[i] = row[(int) visionRows[i]];
    }
    return out;
  }
}

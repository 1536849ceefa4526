package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.v2drop.core.drop.AttentionSource;
import org.v2drop.core.drop.LayerView;
import org.v2drop.core.model.DecoderLayer;

/**
 * The prefill state at the boundary before one decoder layer, as a drop policy sees it. Everything is computed on
 * demand from the layer input, the previous layer's input and the layers' own weights.
 */
final class BoundaryView implements LayerView {
  private final int layer;
  private final String sampleId;
  private final long[] alivePositions; // (alive) original positions of alive vision tokens
  private final long[] visionRows; // (alive) their physical rows in the current sequence
  private final NDArray input; // (n, hidden) input of this layer
  private final NDArray previousInput; // (n, hidden) input of the previous layer, same rows
  private final long[] ropePositions; // (n) position ids at this layer
  private final long[] previousRopePositions; // (n) position ids at the previous layer
  private final DecoderLayer current;
  private final DecoderLayer previous;
  private final RopeTables rope;

  BoundaryView(int layer, String sampleId, long[] alivePositions, long[] visionRows, NDArray input,
      NDArray previousInput, long[] ropePositions, long[] previousRopePositions, DecoderLayer current,
      DecoderLayer previous, RopeTables rope) {
    this.layer = layer;
    this.sampleId = sampleId;
    this.alivePositions = alivePositions;
    this.visionRows = visionRows;
    this.input = input;
    this.previousInput = previousInput;
    this.ropePositions = ropePositions;
    this.previousRopePositions = previousRopePositions;
    this.current = current;
    this.previous = previous;
    this.rope = rope;
  }

  @Override
  public int layer() {
    return layer;
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
    NDManager m = input.getManager();
    NDIndex rows = new NDIndex("{}", m.create(visionRows));
    return input.get(rows).sub(previousInput.get(rows)).norm(new int[] {-1}).toFloatArray();
  }

  @Override
  public float[] lastTokenAttention(AttentionSource source) {
    boolean prev = source == AttentionSource.PREVIOUS_LAYER;
    NDArray x = prev ? previousInput : input;
    NDArray[] cs = rope.cosSin(x.getManager(), prev ? previousRopePositions : ropePositions);
    long last = x.getShape().get(0) - 1;
    float[] row = (prev ? previous : current).lastRowAttention(x, cs[0], cs[1], last);
    float[] out = new float[visionRows.length];
    for (int i = 0; i < visionRows.length; i++) {
      out[i] = row[(int) visionRows[i]];
    }
    return out;
  }
}

package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.v2drop.core.model.Ops;
import org.v2drop.core.model.Rope;

/**
 * Builds cos/signed-sin arrays for position ids from the model's inverse frequencies (headDim = 2 x
 * their count): 1-D RoPE from one row of ids, M-RoPE from three ({@link Rope#cosSin(float[],
 * long[][], int[])}; on ids whose rows agree, as every decode step's, the two are equal). Position
 * ids are integers, so the rows of positions 0..N-1 are computed once ({@link Rope#cosSin}) and
 * copied; the table grows when a longer sequence comes. Safe for concurrent generations: a table is
 * never changed after it is published, only replaced by a longer one.
 */
final class RopeTables {
  private static final int INITIAL_POSITIONS = 1024;

  private final float[] inverseFrequencies; // (headDim / 2)
  private final int[] rowOf; // (headDim / 2) M-RoPE row of each frequency, or null (1-D)
  private final DataType type;
  private volatile Table table;

  /** cos and signed sin of positions [0, positions), each (positions, headDim) row-major. */
  private record Table(int positions, float[] cos, float[] sin) {}

  /**
   * Tables computed in float32 and handed out as {@code type}, as HF's rotary embedding does.
   *
   * @param rowOf each frequency's position-id row under M-RoPE ({@link Rope#mropeRows}), or null
   *     for 1-D RoPE
   */
  RopeTables(float[] inverseFrequencies, int[] rowOf, DataType type) {
    this.inverseFrequencies = inverseFrequencies;
    this.rowOf = rowOf;
    this.type = type;
    this.table = tableFor(INITIAL_POSITIONS);
  }

  /**
   * {cos, signed sin} ({@link Rope#cosSin}) for {@code batch * rows} positions (row-major per
   * sequence), owned by {@code m}, created directly as (batch, 1, rows, headDim). Never reshape
   * them instead: DJL's CPU arrays made from Java data wrap a buffer that only the created array
   * keeps alive, so a view that outlives it reads memory the garbage collector may free
   * (GarbageCollectionIT).
   */
  NDArray[] cosSin(NDManager m, long[][] positions, long batch, long rows) {
    return create(m, positions, new Shape(batch, 1, rows, headDim()));
  }

  /**
   * {cos, signed sin} for positions whose rows all equal {@code positions} (a decode step's), as
   * (batch, 1, rows, headDim).
   */
  NDArray[] cosSin(NDManager m, long[] positions, long batch, long rows) {
    return cosSin(m, new long[][] {positions}, batch, rows);
  }

  /** {cos, signed sin} for {@code positions} (rows, n) as (n, headDim). */
  NDArray[] cosSin(NDManager m, long[][] positions) {
    return create(m, positions, new Shape(positions[0].length, headDim()));
  }

  private NDArray[] create(NDManager m, long[][] positions, Shape shape) {
    float[][] rows = rows(positions);
    return new NDArray[] {
      Ops.into(m.create(rows[0], shape), type), Ops.into(m.create(rows[1], shape), type)
    };
  }

  /**
   * The table's rows for {@code positions} (rows, n): {cos, signed sin}, each (n, headDim)
   * row-major. One row of ids (or 1-D RoPE) copies whole table rows; under M-RoPE each frequency
   * column comes from the table row of its own position-id row.
   */
  float[][] rows(long[][] positions) {
    Table t = coveringTable(positions);
    int dim = (int) headDim();
    int half = dim / 2;
    int n = positions[0].length;
    float[] cos = new float[n * dim];
    float[] sin = new float[n * dim];
    if (rowOf == null || positions.length == 1) {
      long[] ids = positions[0];
      for (int i = 0; i < n; i++) {
        int from = (int) ids[i] * dim;
        System.arraycopy(t.cos, from, cos, i * dim, dim);
        System.arraycopy(t.sin, from, sin, i * dim, dim);
      }
      return new float[][] {cos, sin};
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < half; j++) {
        int from = (int) positions[rowOf[j]][i] * dim;
        for (int at : new int[] {j, half + j}) {
          cos[i * dim + at] = t.cos[from + at];
          sin[i * dim + at] = t.sin[from + at];
        }
      }
    }
    return new float[][] {cos, sin};
  }

  private Table coveringTable(long[][] positions) {
    long max = -1;
    for (long[] row : positions) {
      for (long p : row) {
        if (p < 0) {
          throw new IllegalArgumentException("position ids must be >= 0, found " + p);
        }
        max = Math.max(max, p);
      }
    }
    Table t = table;
    if (max >= t.positions) {
      if (max >= Integer.MAX_VALUE / headDim() / 2) {
        throw new IllegalArgumentException("position id " + max + " is too large for a RoPE table");
      }
      t = tableFor((int) Math.max(2L * t.positions, max + 1));
      table = t; // a concurrent generation may build the same table; either is correct
    }
    return t;
  }

  private Table tableFor(int positions) {
    long[] ids = new long[positions];
    for (int i = 0; i < positions; i++) {
      ids[i] = i;
    }
    float[][] t = Rope.cosSin(inverseFrequencies, ids);
    return new Table(positions, t[0], t[1]);
  }

  private long headDim() {
    return 2L * inverseFrequencies.length;
  }
}

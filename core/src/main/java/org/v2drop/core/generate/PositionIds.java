package org.v2drop.core.generate;

import java.util.Arrays;

/**
 * The RoPE position ids of a sequence's alive tokens, in physical row order: one row for LLaVA's
 * 1-D RoPE, three for M-RoPE (temporal, height, width). The generator gathers and renumbers them
 * without asking which family made them; a kept token keeps every row of its ids.
 *
 * @param rows (rows, tokens)
 */
public record PositionIds(long[][] rows) {
  public PositionIds {
    if (rows.length == 0) {
      throw new IllegalArgumentException("position ids need at least one row");
    }
    for (long[] r : rows) {
      if (r.length != rows[0].length) {
        throw new IllegalArgumentException(
            "position id rows differ in length: " + r.length + " vs " + rows[0].length);
      }
    }
  }

  /** 0..n-1 in each of {@code numRows} rows (a text-only prompt, or 1-D RoPE). */
  public static PositionIds sequential(int n, int numRows) {
    long[][] rows = new long[numRows][];
    for (int r = 0; r < numRows; r++) {
      rows[r] = AliveTokens.iota(n);
    }
    return new PositionIds(rows);
  }

  /** Tokens. */
  public int length() {
    return rows[0].length;
  }

  /** One row: (tokens). */
  public long[] row(int r) {
    return rows[r];
  }

  /** The ids of the tokens at {@code indices}, every row alike. */
  public PositionIds select(long[] indices) {
    long[][] out = new long[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = AliveTokens.select(rows[r], indices);
    }
    return new PositionIds(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PositionIds p && Arrays.deepEquals(rows, p.rows);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(rows);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(rows);
  }
}

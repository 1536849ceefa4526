package org.v2drop.core.generate;

import java.util.Arrays;
import org.v2drop.core.drop.PositionRule;

/**
 * Which of one prompt's tokens are still alive during prefill, in physical row order, with their
 * position ids. Text tokens are never dropped; a drop keeps the chosen vision tokens and every text
 * token, in their original order (spec "V²Drop" 3-5). Plain Java: the generator gathers the
 * hidden-state rows this type names.
 *
 * <p>The bookkeeping runs a few times per generation, so for the first hundreds of generations it
 * runs in the interpreter: plain loops, no streams (a stream pipeline per drop cost ~0.5 ms there).
 */
final class AliveTokens {
  private final boolean[] isVision; // (prompt tokens) by original position
  private long[] positions; // (alive) original positions of the alive tokens, physical order
  private PositionIds positionIds; // (rows, alive) RoPE position ids of the alive tokens

  /**
   * @param promptLength tokens in the prompt
   * @param visionPositions (vision tokens) original positions of the vision tokens, each in [0,
   *     promptLength)
   * @param positionIds the prompt's position ids (promptLength tokens)
   */
  AliveTokens(int promptLength, long[] visionPositions, PositionIds positionIds) {
    if (positionIds.length() != promptLength) {
      throw new IllegalArgumentException(
          "position ids cover " + positionIds.length() + " tokens, the prompt has " + promptLength);
    }
    this.isVision = new boolean[promptLength];
    for (long p : visionPositions) {
      if (p < 0 || p >= promptLength) {
        throw new IllegalArgumentException(
            "vision position " + p + " is outside the prompt of " + promptLength + " tokens");
      }
      isVision[(int) p] = true;
    }
    this.positions = iota(promptLength);
    this.positionIds = positionIds;
  }

  /** Alive tokens (the sequence's rows). */
  int count() {
    return positions.length;
  }

  /** Alive vision tokens. */
  int visionCount() {
    int count = 0;
    for (long position : positions) {
      count += isVision[(int) position] ? 1 : 0;
    }
    return count;
  }

  /** (alive) original positions of the alive tokens, in row order. */
  long[] positions() {
    return positions;
  }

  /** (rows, alive) position ids of the alive tokens. */
  PositionIds positionIds() {
    return positionIds;
  }

  /** (alive vision) rows of the alive vision tokens, ascending. */
  long[] visionRows() {
    long[] rows = new long[visionCount()];
    for (int i = 0, j = 0; i < positions.length; i++) {
      if (isVision[(int) positions[i]]) {
        rows[j++] = i;
      }
    }
    return rows;
  }

  /**
   * Keeps every text token and the vision tokens at {@code keptVisionPositions} (original
   * positions, ascending); returns the current rows that survive (ascending), and renumbers the
   * position ids when {@code rule} says so.
   */
  long[] keep(long[] keptVisionPositions, PositionRule rule) {
    long[] rows = new long[positions.length - visionCount() + keptVisionPositions.length];
    int j = 0;
    for (int i = 0; i < positions.length; i++) {
      boolean text = !isVision[(int) positions[i]];
      if (text || Arrays.binarySearch(keptVisionPositions, positions[i]) >= 0) {
        rows[j++] = i; // at most rows.length: each alive position is counted once
      }
    }
    if (j != rows.length) {
      throw new IllegalStateException(
          "kept positions "
              + Arrays.toString(keptVisionPositions)
              + " are not all alive vision tokens");
    }
    positions = select(positions, rows);
    positionIds =
        rule == PositionRule.RENUMBER
            ? PositionIds.sequential(rows.length, positionIds.rows().length)
            : positionIds.select(rows);
    return rows;
  }

  /** {@code values[indices[i]]} for each i. */
  static long[] select(long[] values, long[] indices) {
    long[] out = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = values[(int) indices[i]];
    }
    return out;
  }

  /** 0..n-1. */
  static long[] iota(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
